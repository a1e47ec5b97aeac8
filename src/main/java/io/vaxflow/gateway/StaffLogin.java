package io.vaxflow.gateway;

import io.vaxflow.security.PinHash;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;

/**
 * Signing a staff member in: the login guard (per id and per address), the PIN checked off the
 * event loop, and a new session. A wrong id costs the same time as a wrong PIN.
 */
public final class StaffLogin {

  // Verified against when the staff id is unknown, so a wrong id costs the same time as a wrong PIN.
  private static final String DUMMY_HASH = PinHash.hash("0000");

  private final Vertx vertx;
  private final VaxflowConfig config;
  private final RateLimiter limiter;
  private final Sessions sessions;

  public StaffLogin(Vertx vertx, VaxflowConfig config, RateLimiter limiter, Sessions sessions) {
    this.vertx = vertx;
    this.config = config;
    this.limiter = limiter;
    this.sessions = sessions;
  }

  /** What a login form sends. */
  public record Credentials(String staffId, String pin) {
  }

  /** The staff member and their new session's token. */
  public record SignedIn(StaffAccount staff, String token) {
  }

  /** Signs in from this address, or fails with BAD_CREDENTIALS (or RATE_LIMITED from the guard). */
  public Future<SignedIn> login(Credentials c, String address) {
    Optional<StaffAccount> account = config.staffAccount(c.staffId());
    String hash = account.map(StaffAccount::pinHash).orElse(DUMMY_HASH);
    return limiter.loginAllowed(c.staffId(), address)
        .compose(v -> vertx.<Boolean>executeBlocking(() -> PinHash.verify(c.pin(), hash) && account.isPresent(), false))
        .compose(ok -> {
          if (!ok) {
            return limiter.loginFailed(c.staffId(), address)
                .compose(v -> Future.failedFuture(Rejection.of(ErrorCode.BAD_CREDENTIALS)));
          }
          return limiter.loginSucceeded(c.staffId(), address).compose(v -> sessions.open(account.get()))
              .map(token -> new SignedIn(account.get(), token));
        });
  }

  /** Closes the session of this token, if there is one. */
  public Future<Void> logout(Optional<String> token) {
    return token.map(sessions::close).orElse(Future.succeededFuture());
  }
}
