package io.vaxflow.appointment;

import io.vaxflow.config.VaxflowConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the appointment registry about a code, through a circuit breaker (the essay's fuse):
 * after {@code breakerFailures} failures or timeouts it opens and check-in goes offline at once;
 * after {@code breakerResetMs} one probe is let through (half-open) and a success closes it.
 */
public final class RegistryClient {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);

  /** What the registry knows of an appointment; {@code category} S for a standby invitation ('' a booking: A or P). */
  public record Appointment(String code, String siteId, String day, long slotStart, String priority,
                            String name, String idType, String idNumber, int dose, String category) {}

  private final WebClient http; // kept in a field: an unreferenced client is closed mid-request
  private final CircuitBreaker breaker;
  private final String host;
  private final int port;
  private final String basePath;
  private final long timeoutMs;

  public RegistryClient(Vertx vertx, VaxflowConfig.Registry config, String url) {
    URI uri = URI.create(url);
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : 80;
    this.basePath = uri.getPath() == null ? "" : uri.getPath().replaceAll("/$", "");
    this.timeoutMs = config.timeoutMs();
    this.http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(config.timeoutMs())
        .setKeepAlive(true).setIdleTimeout(30));
    this.breaker = CircuitBreaker.create("registry", vertx, new CircuitBreakerOptions()
        .setMaxFailures(config.breakerFailures())
        .setTimeout(config.timeoutMs())
        .setResetTimeout(config.breakerResetMs())
        .setFallbackOnFailure(false));
    breaker.openHandler(v -> LOG.warn("registry breaker OPEN: check-in verifies vouchers offline"));
    breaker.halfOpenHandler(v -> LOG.info("registry breaker HALF-OPEN: probing the registry"));
    breaker.closeHandler(v -> LOG.info("registry breaker CLOSED: the registry answers again"));
  }

  /** The appointment, or empty when the registry says there is none; fails when it cannot be asked. */
  public Future<Optional<Appointment>> find(String code) {
    return breaker.execute(() -> http.get(port, host, basePath + "/registry/v1/appointments/" + code)
        .timeout(timeoutMs)
        .send()
        .compose(r -> switch (r.statusCode()) {
          case 200 -> {
            JsonObject a = r.bodyAsJsonObject();
            yield Future.succeededFuture(Optional.of(new Appointment(a.getString("code"), a.getString("siteId"),
                a.getString("day"), a.getLong("slotStart"), a.getString("priority", ""), a.getString("name"),
                a.getString("idType", "resident"), a.getString("idNumber"), a.getInteger("dose", 1), a.getString("category", ""))));
          }
          case 404 -> Future.succeededFuture(Optional.<Appointment>empty());
          default -> Future.failedFuture("registry answered " + r.statusCode());
        }));
  }

  public CircuitBreakerState state() {
    return breaker.state();
  }

  public long failureCount() {
    return breaker.failureCount();
  }
}
