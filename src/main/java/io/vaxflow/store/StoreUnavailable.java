package io.vaxflow.store;

import io.vertx.core.VertxException;

/** Redis cannot be reached or did not answer in time: the API answers 503 and the client retries. */
public final class StoreUnavailable extends VertxException {

  public StoreUnavailable(Throwable cause) {
    super("the store is unavailable: " + cause.getMessage(), cause, true);
  }

  /** Errors Redis itself answered (a script bug, a wrong command) are not an outage. */
  static boolean isScriptOrCommandError(Throwable err) {
    String m = err.getMessage();
    return m != null && (m.startsWith("ERR") || m.startsWith("NOSCRIPT") || m.startsWith("WRONGTYPE"));
  }
}
