package io.vaxflow.immunization;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One shot as the booth's {@code done} recorded it ({@code vf:{site}:shot:<shotId>}, written by lua/done.lua with the
 * transition): which product, lot (and its expiry), dose, when, by whom and at which booth, for which ticket, and
 * who the person is as far as the record may say ({@code personKey}, security/PersonKey; the ticket and its
 * appointment hold the rest, {@link Person}). {@code deliveredAt}: when the immunization registry acknowledged it.
 */
public record Shot(
    String site,
    String shotId,
    String product,
    String lot,
    String expiry,
    int dose,
    Instant at,
    String by,
    String station,
    String day,
    String number,
    String appointment,
    String personKey,
    Optional<Instant> deliveredAt) {

  /** The shot of a record's hash (HGETALL); empty when there is none. */
  static Optional<Shot> of(String site, String shotId, Map<String, String> h) {
    if (h.isEmpty() || h.getOrDefault("lot", "").isEmpty()) return Optional.empty();
    return Optional.of(new Shot(site, shotId, h.getOrDefault("product", ""), h.get("lot"), h.getOrDefault("expiry", ""),
        (int) number(h.get("dose"), 1), Instant.ofEpochMilli(number(h.get("at"), 0)), h.getOrDefault("by", ""),
        h.getOrDefault("station", ""), h.getOrDefault("day", ""), h.getOrDefault("number", ""),
        h.getOrDefault("appointment", ""), h.getOrDefault("personKey", ""),
        Optional.ofNullable(h.get("deliveredAt")).filter(s -> !s.isEmpty()).map(s -> Instant.ofEpochMilli(number(s, 0)))));
  }

  private static final java.util.regex.Pattern TICKET_DAY = java.util.regex.Pattern.compile("-(\\d{4}-\\d{2}-\\d{2})-[^-]+-d\\d+$");

  /** The day of the ticket it was given to (its id's: a ticket may outlive the day it was issued), else the shot's. */
  public String ticketDay() {
    java.util.regex.Matcher m = TICKET_DAY.matcher(shotId);
    return m.find() ? m.group(1) : day;
  }

  /** The id of dose {@code dose} given to the ticket {@code number} of {@code day} at {@code site} (issue 16's contract). */
  public static String id(String site, String day, String number, int dose) {
    return site + "-" + day + "-" + number + "-d" + dose;
  }

  private static long number(String s, long otherwise) {
    try {
      return s == null || s.isEmpty() ? otherwise : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /**
   * Who was vaccinated, as the ticket and its appointment say (told only where it may be: the registry in
   * {@code patient: document} mode, the certificate's masked ID): the name, the document's type and number, and the
   * ticket's person key; empty strings for what is not known (erased, or an offline check-in).
   */
  public record Person(String name, String idType, String idNumber, String key) {
    static final Person UNKNOWN = new Person("", "", "", "");
  }
}
