package io.vaxflow.announce;

import java.util.regex.Pattern;

/**
 * The event-bus addresses of the system, the one place they are written. Each site has four,
 * {@code vaxflow.site.<site>.<what>}:
 * <ul>
 *   <li>{@code calls}: every call and repeat saying, for the hall displays (out to browsers);
 *   <li>{@code state}: the site's snapshot, at most every 250 ms while it changes (out);
 *   <li>{@code staff}: station changes, only for logged-in staff of the site (out, guarded);
 *   <li>{@code ack}: a display's acknowledgement of a call (the one address browsers send to).
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

  /** A site id as an address carries it (as config allows: lower-case letters, digits, '-'). */
  private static final String SITE = "([a-z][a-z0-9-]{0,31})";

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

  /** The addresses of any site ending in one of {@code whats}; group 1 is the site. */
  static Pattern pattern(String... whats) {
    return Pattern.compile(PREFIX.replace(".", "\\.") + SITE + "\\.(?:" + String.join("|", whats) + ")");
  }

  /** What the bridge lets out to browsers (staff further guarded per site). */
  static final Pattern OUTBOUND = pattern(CALLS, STATE, STAFF);
  /** Addresses only staff of the site may register for. */
  static final Pattern STAFF_ONLY = pattern(STAFF);
  /** What the bridge lets in from browsers. */
  static final Pattern INBOUND = pattern(ACK);
}
