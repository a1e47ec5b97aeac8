package io.vaxflow.support;

import java.util.List;
import java.util.Optional;

/**
 * A staff member's cookies as the tests carry them: the Cookie header built from a login's
 * Set-Cookie headers, and the CSRF token in it that staff pages echo in X-CSRF-Token.
 */
public final class StaffCookies {

  public static final String SESSION = "vf_session=";
  public static final String CSRF = "vf_csrf=";

  private StaffCookies() {}

  /** "vf_session=…; vf_csrf=…" from Set-Cookie headers (their attributes dropped). */
  public static String cookieHeader(List<String> setCookies) {
    StringBuilder b = new StringBuilder();
    for (String setCookie : setCookies) {
      int end = setCookie.indexOf(';');
      if (b.length() > 0) b.append("; ");
      b.append(end < 0 ? setCookie : setCookie.substring(0, end));
    }
    return b.toString();
  }

  /** The CSRF token a Cookie header carries, if any. */
  public static Optional<String> csrf(String cookieHeader) {
    return value(cookieHeader, CSRF);
  }

  /** The session token a Cookie header carries, if any. */
  public static Optional<String> session(String cookieHeader) {
    return value(cookieHeader, SESSION);
  }

  private static Optional<String> value(String cookieHeader, String name) {
    if (cookieHeader == null) return Optional.empty();
    for (String part : cookieHeader.split(";\\s*")) {
      if (part.startsWith(name)) return Optional.of(part.substring(name.length()));
    }
    return Optional.empty();
  }
}
