package io.vaxflow.dispatch;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Rejection;
import io.vaxflow.security.PeerProof;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site another Vaxflow server runs, seen through that server's public API: its load polled
 * (GET /api/v1/sites) and bookings made, looked up, changed and cancelled (POST /api/v1/bookings with its
 * siteId, /bookings/lookup, /change, /cancel, each vouched for by a {@link PeerProof}), all behind the site's own
 * circuit breaker. A site whose last poll failed is down: the dispatcher leaves it out
 * until a poll answers again.
 */
public final class RemoteSite {

  private static final Logger LOG = LoggerFactory.getLogger(RemoteSite.class);

  /** What the last poll said: open now, people waiting, predicted wait. */
  public record Load(boolean open, int waiting, int predictedWaitMin) {}

  private final SiteConfig site;
  private final WebClient http;
  private final CircuitBreaker breaker;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String basePath;
  private final long timeoutMs;
  private volatile boolean up;
  private volatile Optional<Load> load = Optional.empty();
  private volatile Optional<Instant> lastAnswer = Optional.empty();
  private volatile String lastError = "not polled yet";

  private final PeerProof peers;

  RemoteSite(Vertx vertx, WebClient http, SiteConfig site, VaxflowConfig.Remote config, PeerProof peers) {
    this.site = site;
    this.peers = peers;
    this.http = http;
    URI uri = URI.create(site.remote().orElseThrow());
    this.ssl = "https".equals(uri.getScheme());
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    this.basePath = uri.getPath() == null ? "" : uri.getPath().replaceAll("/$", "");
    this.timeoutMs = config.timeoutMs();
    this.breaker = CircuitBreaker.create("remote-" + site.id(), vertx, new CircuitBreakerOptions()
        .setMaxFailures(config.breakerFailures())
        .setTimeout(config.timeoutMs() * 2L)
        .setResetTimeout(config.breakerResetMs())
        .setFallbackOnFailure(false));
    breaker.openHandler(v -> LOG.warn("remote site {} ({}): breaker OPEN", site.id(), base()));
    breaker.closeHandler(v -> LOG.info("remote site {} ({}): breaker CLOSED, it answers again", site.id(), base()));
  }

  public SiteConfig site() {
    return site;
  }

  public String base() {
    return site.remote().orElseThrow();
  }

  /** The last poll answered (and no booking has failed to reach it since). */
  public boolean up() {
    return up;
  }

  public Optional<Load> load() {
    return load;
  }

  public Optional<Instant> lastAnswer() {
    return lastAnswer;
  }

  public String lastError() {
    return lastError;
  }

  public CircuitBreakerState breakerState() {
    return breaker.state();
  }

  /** For /city: the site, the server that runs it, whether it answers and its load as last polled. */
  public JsonObject view(String lang) {
    JsonObject out = new JsonObject().put("id", site.id()).put("name", site.name(lang))
        .put("server", base()).put("health", up ? "up" : "down").put("breaker", breaker.state().name())
        .put("lastAnswer", lastAnswer.map(Instant::toString).orElse(null))
        .put("lastError", lastError.isEmpty() ? null : lastError);
    load.ifPresent(l -> out.put("open", l.open())
        .put("load", new JsonObject().put("waiting", l.waiting()).put("predictedWaitMin", l.predictedWaitMin())));
    return out;
  }

  /** Asks the remote server for its sites' load and keeps this site's. */
  Future<Void> poll() {
    return breaker.<Void>execute(() -> http.get(port, host, basePath + "/api/v1/sites").ssl(ssl)
            .timeout(timeoutMs).send()
            .compose(r -> {
              if (r.statusCode() != 200) return Future.failedFuture("answered " + r.statusCode());
              JsonArray all = r.bodyAsJsonArray();
              for (int i = 0; i < all.size(); i++) {
                JsonObject s = all.getJsonObject(i);
                if (!site.id().equals(s.getString("id"))) continue;
                JsonObject l = s.getJsonObject("load", new JsonObject());
                load = Optional.of(new Load(s.getBoolean("open", true), l.getInteger("waiting", 0),
                    l.getInteger("predictedWaitMin", 0)));
                return Future.succeededFuture();
              }
              return Future.failedFuture("its server does not run " + site.id());
            }))
        .onSuccess(v -> {
          if (!up) LOG.info("remote site {} ({}) is up", site.id(), base());
          up = true;
          lastAnswer = Optional.of(Instant.now());
          lastError = "";
        })
        .onFailure(this::down);
  }

  /**
   * A person's request to the remote server's API ({@code path}: /api/v1/bookings, /bookings/lookup, ...), vouched for
   * by this server. A refusal it gives (full, closed, bad input) comes back as the same {@link Rejection}; a server
   * that cannot be reached fails with UNAVAILABLE and the site is left out until a poll answers.
   */
  Future<JsonObject> send(String path, JsonObject body) {
    Buffer bytes = body.toBuffer();
    return breaker.<HttpResponse<Buffer>>execute(() -> http.post(port, host, basePath + path).ssl(ssl)
            .timeout(timeoutMs).putHeader("Accept", "application/json").putHeader("Content-Type", "application/json")
            .putHeader(PeerProof.HEADER, peers.of(bytes.getBytes(), Instant.now()))
            .sendBuffer(bytes)
            .compose(r -> r.statusCode() >= 500 ? Future.failedFuture("answered " + r.statusCode()) : Future.succeededFuture(r)))
        .recover(err -> {
          down(err);
          return Future.failedFuture(new Rejection(ErrorCode.UNAVAILABLE, site.name("en") + " cannot be reached now; please try again shortly.",
              new JsonObject().put("siteId", site.id())));
        })
        .compose(r -> {
          JsonObject json;
          try {
            json = r.bodyAsJsonObject();
          } catch (RuntimeException e) {
            return Future.failedFuture(new Rejection(ErrorCode.UNAVAILABLE, site.name("en") + " gave an unreadable answer.",
                new JsonObject().put("siteId", site.id())));
          }
          if (r.statusCode() == 200 || r.statusCode() == 201) return Future.succeededFuture(json);
          if (r.statusCode() == 202) { // it asks for a code: it does not take this server's word (another secret)
            return Future.failedFuture(new Rejection(ErrorCode.UNAVAILABLE, site.name("en")
                + " does not take this server's word for the phone (its servers must share VOUCHER_SECRET).",
                new JsonObject().put("siteId", site.id())));
          }
          JsonObject error = json == null ? new JsonObject() : json.getJsonObject("error", new JsonObject());
          JsonObject details = error.copy();
          details.remove("code");
          details.remove("message");
          return Future.failedFuture(new Rejection(error.getString("code", ErrorCode.UNAVAILABLE.code()),
              error.getString("message", site.name("en") + " refused the booking."), details));
        });
  }

  private void down(Throwable err) {
    if (up) LOG.warn("remote site {} ({}) is down: {}", site.id(), base(), err.getMessage());
    up = false;
    lastError = String.valueOf(err.getMessage());
  }
}
