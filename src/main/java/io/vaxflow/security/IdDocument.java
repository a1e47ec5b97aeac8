package io.vaxflow.security;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The identity documents a person books or walks in with, and how each one's number is checked before anything is
 * stored or counted: a resident ID (居民身份证, the default) by GB 11643 — 17 digits and a check digit, a province
 * code, a real birth date — and the other documents by their format. A number is matched in its normalized form
 * ({@link #normalize}: upper case, no spaces), which {@link PersonKey} keys.
 */
public enum IdDocument {

  /** 居民身份证 (and the residence permits of Hong Kong, Macao and Taiwan residents, region 81/82/83): GB 11643. */
  RESIDENT(Pattern.compile("\\d{17}[\\dX]")),
  /** A passport: 5 to 17 letters and digits, at least one digit (E12345678, EA1234567, a foreign passport). */
  PASSPORT(Pattern.compile("(?=[A-Z]*\\d)[A-Z0-9]{5,17}")),
  /** 港澳居民来往内地通行证: H or M and 8 digits (10 on older permits). */
  HK_MACAU(Pattern.compile("[HM]\\d{8}(\\d{2})?")),
  /** 台湾居民来往大陆通行证: 8 digits (10 on older permits). */
  TAIWAN(Pattern.compile("\\d{8}(\\d{2})?")),
  /** 外国人永久居留身份证: 3 letters and 12 digits (2017), or 18 characters from 9 with a GB 11643 check digit (2023). */
  FOREIGN_PERMANENT(Pattern.compile("[A-Z]{3}\\d{12}|9\\d{16}[\\dX]"));

  /** The provinces' codes, the first two digits of a resident ID (81–83: Hong Kong, Macao, Taiwan residents). */
  private static final Set<String> PROVINCES = Set.of("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33",
      "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
      "65", "71", "81", "82", "83");
  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String CHECK = "10X98765432";
  private static final LocalDate OLDEST = LocalDate.of(1900, 1, 1);

  private final Pattern form;

  IdDocument(Pattern form) {
    this.form = form;
  }

  /** As the API writes it: {@code resident}, {@code hk_macau}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type the API names ({@code resident}, ...). */
  public static Optional<IdDocument> of(String wire) {
    for (IdDocument d : values()) {
      if (d.wire().equals(wire)) return Optional.of(d);
    }
    return Optional.empty();
  }

  /** The number as it is matched and keyed: upper case, without spaces. */
  public static String normalize(String number) {
    return number.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
  }

  /**
   * The number as a certificate shows it, enough for an inspector to match it with the document in front of them and
   * too little to be anyone's number: a resident ID's region and its last four ({@code 1101**********123X}); of a
   * shorter number its first and last two ({@code E******78}); of a very short one its last character.
   */
  public static String mask(String number) {
    String n = normalize(number);
    int head = n.length() >= 12 ? 4 : n.length() >= 6 ? 1 : 0;
    int tail = n.length() >= 12 ? 4 : n.length() >= 6 ? 2 : Math.min(1, n.length());
    return n.substring(0, head) + "*".repeat(n.length() - head - tail) + n.substring(n.length() - tail);
  }

  /**
   * Why {@code number} is not a number of this document on {@code today} (a sentence for the person), or empty when
   * it is one.
   */
  public Optional<String> problem(String number, LocalDate today) {
    String n = normalize(number);
    if (!form.matcher(n).matches()) return Optional.of("is not the number of a " + label() + " (" + hint() + ").");
    if (this == RESIDENT) {
      if (!PROVINCES.contains(n.substring(0, 2))) return Optional.of("does not start with a province's code.");
      if (!bornOn(n, today)) return Optional.of("does not hold a real date of birth.");
      if (!checkDigitFits(n)) return Optional.of("has a wrong last (check) digit: please look at it again.");
    } else if (this == FOREIGN_PERMANENT && n.length() == 18) {
      if (!bornOn(n, today)) return Optional.of("does not hold a real date of birth.");
      if (!checkDigitFits(n)) return Optional.of("has a wrong last (check) digit: please look at it again.");
    }
    return Optional.empty();
  }

  /** GB 11643's check digit of the first 17 digits: the weighted sum mod 11, mapped to 1 0 X 9 8 7 6 5 4 3 2. */
  public static char checkDigit(String first17) {
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (first17.charAt(i) - '0') * WEIGHTS[i];
    return CHECK.charAt(sum % 11);
  }

  private static boolean checkDigitFits(String n) {
    return checkDigit(n.substring(0, 17)) == n.charAt(17);
  }

  /** Digits 7 to 14 are a date from 1900 to today. */
  private static boolean bornOn(String n, LocalDate today) {
    try {
      LocalDate born = LocalDate.of(Integer.parseInt(n.substring(6, 10)), Integer.parseInt(n.substring(10, 12)),
          Integer.parseInt(n.substring(12, 14)));
      return !born.isBefore(OLDEST) && !born.isAfter(today);
    } catch (DateTimeException e) {
      return false;
    }
  }

  private String label() {
    return switch (this) {
      case RESIDENT -> "resident ID card";
      case PASSPORT -> "passport";
      case HK_MACAU -> "Hong Kong or Macao resident's travel permit";
      case TAIWAN -> "Taiwan resident's travel permit";
      case FOREIGN_PERMANENT -> "foreign permanent resident ID card";
    };
  }

  private String hint() {
    return switch (this) {
      case RESIDENT -> "18 characters: 17 digits and a digit or X";
      case PASSPORT -> "5 to 17 letters and digits";
      case HK_MACAU -> "H or M and 8 or 10 digits";
      case TAIWAN -> "8 or 10 digits";
      case FOREIGN_PERMANENT -> "3 letters and 12 digits, or 18 characters starting with 9";
    };
  }
}
