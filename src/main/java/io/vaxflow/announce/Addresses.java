package io.vaxflow.announce;

import java.util.regex.Pattern;

/**
 * The event-bus addresses of the system, the one place they are written. Each site has these,
 * {@code vaxflow.site.<site>.<what>}:
 * <ul>
 *   <li>{@code calls}: every call and repeat saying, for the hall displays (out to browsers);
 *   <li>{@code state}: the site's snapshot, at most every 250 ms while it changes (out);
 *   <li>{@code staff}: station changes, only for logged-in staff of the site (out, guarded);
 *   <li>{@code ack}: a display's acknowledgement of a call (the one address browsers send to);
 *   <li>{@code ticket.<number>}: one ticket's live view and its calls, for the phones that hold its
 *       link (out, guarded: a browser registers with its link's key, {@code headers: {k}}).
 * </ul>
 * The pages get {@link #PREFIX} from the server (a meta tag of every page) and add
 * {@code <site>.<what>} themselves; the bridge's permissions are built from the patterns here.
 */
public final class Addresses {

  /** What every address starts with. */
  public static final String PREFIX = "vaxflow.site.";

  static final String CALLS = "calls";
  static final String STATE = "state";
  static final String STAFF = "staff";
  static final String ACK = "ack";
  static final String TICKET = "ticket.";

  /** A site id as an address carries it (as config allows: lower-case letters, digits, '-'). */
  private static final String SITE = "([a-z][a-z0-9-]{0,31})";
  /** A ticket number as an address carries it (as the API's: a letter and 3 to 5 digits). */
  private static final String NUMBER = "[APW][0-9]{3,5}";

  private Addresses() {}

  private static String of(String site, String what) {
    return PREFIX + site + "." + what;
  }

  public static String calls(String site) {
    return of(site, CALLS);
  }

  public static String state(String site) {
    return of(site, STATE);
  }

  public static String staff(String site) {
    return of(site, STAFF);
  }

  public static String ack(String site) {
    return of(site, ACK);
  }

  /** One ticket's address: its view when it changes, {@code {type: "view", view}}, and its calls, {@code {type: "call", call}}. */
  public static String ticket(String site, String number) {
    return of(site, TICKET + number);
  }

  /** The addresses of any site ending in one of {@code whats}; group 1 is the site. */
  static Pattern pattern(String... whats) {
    return Pattern.compile(PREFIX.replace(".", "\\.") + SITE + "\\.(?:" + String.join("|", whats) + ")");
  }

  /** A ticket's address; group 1 is the site, group 2 the number. */
  static final Pattern TICKET_ONLY = pattern("ticket\\.(" + NUMBER + ")");
  /** What the bridge lets out to browsers (staff and tickets further guarded per site). */
  static final Pattern OUTBOUND = pattern(CALLS, STATE, STAFF, "ticket\\." + NUMBER);
  /** Addresses only staff of the site may register for. */
  static final Pattern STAFF_ONLY = pattern(STAFF);
  /** What the bridge lets in from browsers. */
  static final Pattern INBOUND = pattern(ACK);
}
