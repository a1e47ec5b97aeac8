package io.vaxflow.store;

import io.vertx.core.VertxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis cannot be reached, did not answer in time, or answered that it will not write (full, a read-only
 * replica, a failing disk): the API answers 503 and the client retries.
 */
public final class StoreUnavailable extends VertxException {

  /**
   * Why a Redis that answers refuses a write: {@code OOM} (at {@code maxmemory} with the noeviction policy),
   * {@code READONLY} (a replica: after a failover, or a master demoted), {@code MISCONF} (it cannot write its
   * snapshot or append-only file).
   */
  public enum Refusal { OOM, READONLY, MISCONF }

  /**
   * Redis's own words for a refusal: at the start of its reply (7.x, also from inside a script), or after a dash
   * inside the script error 6.2 wraps it in ("ERR Error running script (...): ... -OOM command not allowed ...").
   */
  private static final Pattern REFUSAL = Pattern.compile("(?:^|-)(OOM|READONLY|MISCONF) ");

  private final transient Optional<Refusal> refusal;

  public StoreUnavailable(Throwable cause) {
    super("the store is unavailable: " + cause.getMessage(), cause, true);
    this.refusal = refusal(cause.getMessage());
  }

  /** Why Redis refused, if it answered with a refusal (else it was unreachable or slow). */
  public Optional<Refusal> refusal() {
    return refusal;
  }

  /** The refusal in one of Redis's error replies, if it is one. */
  public static Optional<Refusal> refusal(String message) {
    if (message == null) return Optional.empty();
    Matcher m = REFUSAL.matcher(message);
    return m.find() ? Optional.of(Refusal.valueOf(m.group(1))) : Optional.empty();
  }

  /** Errors Redis itself answered (a script bug, a wrong command) are not an outage; a refusal to write is. */
  static boolean isScriptOrCommandError(Throwable err) {
    String m = err.getMessage();
    return m != null && (m.startsWith("ERR") || m.startsWith("NOSCRIPT") || m.startsWith("WRONGTYPE")) && refusal(m).isEmpty();
  }
}
