package io.vaxflow.config;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration of one server, read once at start and validated (see {@link ConfigLoader}).
 * {@code sites} are the sites this server runs; {@code remoteSites} those that other Vaxflow
 * servers run ({@link SiteConfig#remote}), which this server's dispatcher books onto.
 */
public record VaxflowConfig(
    Http http,
    Redis redis,
    Path dataDir,
    String voucherSecret,
    Optional<Instant> clockStart,
    double clockRate,
    ZoneId timeZone,
    boolean simulate,
    Announce announce,
    Flow flow,
    Limits limits,
    Registry registry,
    List<SiteConfig> sites,
    List<Community> communities,
    List<StaffAccount> staff,
    List<SiteConfig> remoteSites,
    Remote remote) {

  /**
   * The HTTP server. A connection's first request head must arrive within {@code requestTimeoutMs}
   * of its opening, a later one within {@code idleTimeoutSec} of the previous response; a
   * connection silent for {@code idleTimeoutSec} is closed. {@code trustedProxies}: addresses (or {@code loopback}) whose
   * {@code X-Forwarded-Proto} is believed.
   */
  public record Http(String host, int port, int bodyLimitBytes, int idleTimeoutSec, int requestTimeoutMs,
                     List<String> trustedProxies) {}

  /**
   * url empty: the server runs its own redis-server in dataDir. Otherwise {@code endpoints} are the
   * URLs of {@code url} (a comma-separated list): the one standalone Redis, any nodes of a Cluster,
   * or the Sentinels that monitor {@code master}. {@code waitReplicas} &gt; 0: every write a
   * client is told succeeded has first been confirmed by that many replicas ({@code WAIT}).
   */
  public record Redis(String url, int poolSize, int timeoutMs, Type type, List<String> endpoints, String master,
                      int waitReplicas) {
    public enum Type { STANDALONE, CLUSTER, SENTINEL }

    /** A standalone Redis at {@code url} (empty: embedded), no replicas waited for. */
    public Redis(String url, int poolSize, int timeoutMs) {
      this(url, poolSize, timeoutMs, Type.STANDALONE, url == null || url.isBlank() ? List.of() : List.of(url), "", 0);
    }

    public boolean embedded() { return url == null || url.isBlank(); }
  }

  public record Announce(int repeats, int intervalSec) {}

  public record Flow(
      int arrivalTimeoutSec,
      int leaseSec,
      int observationSec,
      int priorityInARow,
      int checkinEarlyMin,
      int tickMs,
      double deskServiceMin,
      double boothServiceMin,
      ObservationMinutes observationMinutes) {

    /** The standard observation: {@code observationMinutes.standard} when set, else {@code observationSec}. */
    public int standardObservationSec() {
      return observationMinutes.standard() > 0 ? observationMinutes.standard() * 60 : observationSec;
    }

    /** A high-risk person's observation (anaphylaxis history, or extended by staff): never shorter than the standard. */
    public int highObservationSec() {
      return Math.max(observationMinutes.high() * 60, standardObservationSec());
    }
  }

  /**
   * Observation minutes per risk level: {@code standard} (0: {@code flow.observationSec} applies, as
   * before) and {@code high} (a booking with an anaphylaxis history; staff may extend anyone to it).
   */
  public record ObservationMinutes(int standard, int high) {}

  /** A token bucket: {@code rate} tokens a second, at most {@code burst} saved up. */
  public record Bucket(double rate, int burst) {}

  /**
   * Rate limits (per client address unless named otherwise; {@code site} is per site) and the
   * login lockout: {@code loginFailures} wrong PINs from one address lock login from it for
   * {@code lockoutSec}; as many for one staff id from all addresses only slow down the addresses
   * that failed for it. {@code bookings} shapes the city's bookings as a whole (the 8:00 spike):
   * beyond it a booking waits its turn, up to {@code bookingQueueSec}, instead of failing.
   */
  public record Limits(Bucket kiosk, Bucket site, Bucket booking, Bucket lookup, Bucket login,
                       int loginFailures, int lockoutSec, Bucket bookings, int bookingQueueSec) {}

  /**
   * The appointment registry: {@code url} of a remote one, or empty to run the built-in one on
   * {@code port} (0: a free port). Check-in asks it within {@code timeoutMs}; after
   * {@code breakerFailures} failures the breaker opens for {@code breakerResetMs}.
   */
  public record Registry(String url, int port, int timeoutMs, int breakerFailures, int breakerResetMs) {
    public boolean builtIn() { return url == null || url.isBlank(); }
  }

  /**
   * Sites run by other servers: each one's load is polled every {@code pollMs} (GET its server's
   * /api/v1/sites, answered within {@code timeoutMs}); after {@code breakerFailures} failures its
   * breaker opens for {@code breakerResetMs}, then one probe decides.
   */
  public record Remote(int pollMs, int timeoutMs, int breakerFailures, int breakerResetMs) {}

  /** A named place people may type when booking ("Tianlin", "田林"): its location picks the nearest site. */
  public record Community(Map<String, String> name, double lat, double lon) {}

  public Optional<SiteConfig> site(String id) {
    return sites.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** A site of the city, run here or by another server. */
  public Optional<SiteConfig> anySite(String id) {
    return site(id).or(() -> remoteSites.stream().filter(s -> s.id().equals(id)).findFirst());
  }

  public Optional<StaffAccount> staffAccount(String id) {
    return staff.stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
