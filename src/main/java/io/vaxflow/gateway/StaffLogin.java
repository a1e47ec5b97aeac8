package io.vaxflow.gateway;

import io.vaxflow.security.PinHash;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signing a staff member in on a tablet: only one of the site's enrolled tablets gets this far
 * ({@link Access#device}; a guess from anywhere else is refused before it costs a PIN check or
 * counts against any tablet), the tablet still enrolled (asked of Redis), the login guard (per
 * tablet and per staff id), the PIN checked off the event loop, and a new session, closed when the
 * tablet is revoked. The PIN is the second factor. A wrong id, or the id of someone who does not
 * work at the tablet's site, costs the same time as a wrong PIN. In demo mode the local computer is
 * a tablet of every site, guarded by its address.
 */
public final class StaffLogin {

  // Verified against when the staff id is unknown, so a wrong id costs the same time as a wrong PIN.
  private static final String DUMMY_HASH = PinHash.hash("0000");

  private final Vertx vertx;
  private final VaxflowConfig config;
  private final RateLimiter limiter;
  private final Sessions sessions;
  private final Devices devices;
  /** PIN checks run (each a PBKDF2): what a flood of guesses would cost, were it let in. */
  private final AtomicLong pinChecks = new AtomicLong();

  public StaffLogin(Vertx vertx, VaxflowConfig config, RateLimiter limiter, Sessions sessions, Devices devices) {
    this.vertx = vertx;
    this.config = config;
    this.limiter = limiter;
    this.sessions = sessions;
    this.devices = devices;
  }

  /** What a login form sends. */
  public record Credentials(String staffId, String pin) {
  }

  /** The staff member and their new session's token. */
  public record SignedIn(StaffAccount staff, String token) {
  }

  /**
   * Signs in on this tablet, or fails with BAD_CREDENTIALS (RATE_LIMITED from the guard, DEVICE_REVOKED for a tablet
   * withdrawn). The demo's local computer signs in as itself (guarded by its address), whatever credential it holds:
   * the demo enrolling it again as another page's device closes no session.
   */
  public Future<SignedIn> login(Credentials c, DeviceCaller tablet) {
    Optional<StaffAccount> known = config.staffAccount(c.staffId());
    if (!(tablet instanceof DeviceCaller.Enrolled on)) return signIn(c, known, tablet);
    String site = on.claim().site();
    // at an enrolled tablet only the staff of its site may sign in: anyone else is as unknown
    return devices.seen(on.claim(), DeviceRole.TABLET).compose(d -> signIn(c, known.filter(s -> s.worksAt(site)), on));
  }

  private Future<SignedIn> signIn(Credentials c, Optional<StaffAccount> account, DeviceCaller tablet) {
    String hash = account.map(StaffAccount::pinHash).orElse(DUMMY_HASH);
    return limiter.loginAllowed(c.staffId(), tablet.key())
        .compose(v -> vertx.<Boolean>executeBlocking(() -> {
          pinChecks.incrementAndGet();
          return PinHash.verify(c.pin(), hash) && account.isPresent();
        }, false))
        .compose(ok -> {
          if (!ok) {
            return limiter.loginFailed(c.staffId(), tablet.key())
                .compose(v -> Future.failedFuture(Rejection.of(ErrorCode.BAD_CREDENTIALS)));
          }
          return limiter.loginSucceeded(c.staffId(), tablet.key()).compose(v -> sessions.open(account.get()))
              .compose(token -> tablet instanceof DeviceCaller.Enrolled e ? devices.opened(e.claim(), token).map(token) : Future.succeededFuture(token))
              .map(token -> new SignedIn(account.get(), token));
        });
  }

  /** How many PINs were checked since the server started. */
  public long pinChecks() {
    return pinChecks.get();
  }

  /** Closes the session of this token, if there is one. */
  public Future<Void> logout(Optional<String> token) {
    return token.map(sessions::close).orElse(Future.succeededFuture());
  }
}
