package io.vaxflow.stock;

import io.vaxflow.config.Product;
import io.vaxflow.config.SiteConfig;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Map;

/**
 * The text a scanner types from a carton's GS1 DataMatrix, read into its GTIN, expiry and lot: element strings of
 * (01) GTIN-14 (check digit verified), (17) expiry YYMMDD (day 00: the last day of that month) and (10) lot, in any
 * order, with or without parentheses around the application identifiers; a variable-length element (the lot) ends at
 * the group separator (\u001d) or at the end; a leading symbology identifier ("]d2") is ignored. Other common
 * identifiers on medicine packs (serial, production date, national reimbursement numbers) are read past.
 */
public final class Gs1 {

  /** What a carton says. */
  public record Carton(String gtin, LocalDate expiry, String lot) {}

  /** A code that cannot be read as a carton's: why, for the person scanning. */
  public static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String reason) {
      super(reason);
    }
  }

  public static final char GS = '\u001d';

  /** Application identifiers read, with their fixed length of data (0: variable, up to {@link #MAX_VARIABLE}). */
  private static final Map<String, Integer> FIXED = new HashMap<>();
  private static final Map<String, Integer> MAX_VARIABLE = new HashMap<>();

  static {
    FIXED.put("00", 18);
    FIXED.put("01", 14);
    FIXED.put("02", 14);
    for (String date : new String[] {"11", "12", "13", "15", "16", "17"}) FIXED.put(date, 6);
    MAX_VARIABLE.put("10", 20);
    MAX_VARIABLE.put("21", 20);
    MAX_VARIABLE.put("22", 20);
    MAX_VARIABLE.put("30", 8);
    MAX_VARIABLE.put("37", 8);
    MAX_VARIABLE.put("240", 30);
    MAX_VARIABLE.put("241", 30);
    for (int n = 710; n <= 715; n++) MAX_VARIABLE.put(String.valueOf(n), 20);
  }

  private Gs1() {}

  /** The carton {@code text} describes; {@link Unreadable} says why not. */
  public static Carton parse(String text) throws Unreadable {
    String s = text == null ? "" : text.strip();
    if (s.matches("^\\][A-Za-z][0-9].*")) s = s.substring(3); // ]d2 (DataMatrix), ]C1, ]Q3 ...
    if (s.startsWith(String.valueOf(GS))) s = s.substring(1); // FNC1 in first position, as some scanners send it
    if (s.isEmpty()) throw new Unreadable("the code is empty");
    Map<String, String> elements = s.startsWith("(") ? bracketed(s) : raw(s);
    String gtin = require(elements, "01", "GTIN (01)");
    if (!Product.validGtin(gtin)) throw new Unreadable("the GTIN (01) " + gtin + " has a wrong check digit");
    String lot = require(elements, "10", "lot (10)");
    if (!SiteConfig.LOT.matcher(lot).matches()) {
      throw new Unreadable("the lot (10) must be letters, digits or -, up to 20 characters");
    }
    return new Carton(gtin, date(require(elements, "17", "expiry (17)")), lot);
  }

  private static String require(Map<String, String> elements, String ai, String what) throws Unreadable {
    String v = elements.get(ai);
    if (v == null) throw new Unreadable("the code has no " + what);
    return v;
  }

  /** (01)06954361700014(17)271231(10)AB12: each identifier in parentheses, its data up to the next one. */
  private static Map<String, String> bracketed(String s) throws Unreadable {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) != '(') throw new Unreadable("expected ( at character " + (i + 1));
      int close = s.indexOf(')', i);
      if (close < 0) throw new Unreadable("an application identifier is not closed with )");
      String ai = s.substring(i + 1, close);
      int next = s.indexOf('(', close);
      int end = next < 0 ? s.length() : next;
      String data = s.substring(close + 1, end);
      if (!data.isEmpty() && data.charAt(data.length() - 1) == GS) data = data.substring(0, data.length() - 1);
      put(out, ai, data);
      i = end;
    }
    return out;
  }

  /** 0106954361700014172712311 0AB12: fixed-length elements back to back, a variable one ended by GS or the end. */
  private static Map<String, String> raw(String s) throws Unreadable {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < s.length()) {
      String ai = identifierAt(s, i);
      int from = i + ai.length();
      int end;
      if (FIXED.containsKey(ai)) {
        end = from + FIXED.get(ai);
        if (end > s.length()) throw new Unreadable("the code ends inside (" + ai + ")");
      } else {
        int gs = s.indexOf(GS, from);
        end = gs < 0 ? s.length() : gs;
      }
      put(out, ai, s.substring(from, end));
      i = end < s.length() && s.charAt(end) == GS ? end + 1 : end;
    }
    return out;
  }

  private static String identifierAt(String s, int i) throws Unreadable {
    for (int len = 2; len <= 3 && i + len <= s.length(); len++) {
      String ai = s.substring(i, i + len);
      if (FIXED.containsKey(ai) || MAX_VARIABLE.containsKey(ai)) return ai;
    }
    throw new Unreadable("unknown application identifier at character " + (i + 1) + " ("
        + s.substring(i, Math.min(s.length(), i + 3)).replace(GS, ' ') + "...)");
  }

  private static void put(Map<String, String> out, String ai, String data) throws Unreadable {
    Integer fixed = FIXED.get(ai);
    Integer max = MAX_VARIABLE.get(ai);
    if (fixed == null && max == null) throw new Unreadable("unknown application identifier (" + ai + ")");
    if (fixed != null && (data.length() != fixed || !data.chars().allMatch(Character::isDigit))) {
      throw new Unreadable("(" + ai + ") must be " + fixed + " digits");
    }
    if (max != null && (data.isEmpty() || data.length() > max)) throw new Unreadable("(" + ai + ") must be 1 to " + max + " characters");
    if (data.indexOf(GS) >= 0) throw new Unreadable("a group separator inside (" + ai + ")");
    if (out.put(ai, data) != null) throw new Unreadable("(" + ai + ") appears twice");
  }

  /** YYMMDD in 20YY; day 00 is the month's last day. */
  private static LocalDate date(String yymmdd) throws Unreadable {
    int year = 2000 + Integer.parseInt(yymmdd.substring(0, 2));
    int month = Integer.parseInt(yymmdd.substring(2, 4));
    int day = Integer.parseInt(yymmdd.substring(4, 6));
    try {
      return day == 0 ? YearMonth.of(year, month).atEndOfMonth() : LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      throw new Unreadable("the expiry (17) " + yymmdd + " is not a date (YYMMDD)");
    }
  }
}
