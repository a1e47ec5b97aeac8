package io.vaxflow.immunization;

import io.vaxflow.config.ImmunizationRegistry;
import io.vaxflow.notify.Destination;
import io.vaxflow.store.EventStream.Entry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The city's immunization registry as a receiver of the sites' {@code shot} events ({@link Destination}): delivered at
 * least once by the webhooks' machinery ({@code notify/Webhooks}: a consumer group {@code registry} per site stream,
 * retried with backoff until a 2xx, taken over from a stopped instance), each shot as its {@code Immunization}
 * ({@link Fhir}) in a FHIR conditional update, {@code PUT [base]/Immunization?identifier=<system>:shot|<shot id>}: the
 * registry creates it the first time and updates the same record on a redelivery, never a second shot. After the 2xx
 * the shot's record notes the delivery ({@link Shots#delivered}), which ends its hold on the person's data; a shot
 * already noted is not sent again.
 */
public final class Registry implements Destination {

  private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

  private final ImmunizationRegistry settings;
  private final Shots shots;
  private final Fhir fhir;
  private final Vertx vertx;
  private final WebClient http;
  private final int timeoutMs;

  public Registry(Vertx vertx, ImmunizationRegistry settings, Shots shots, Fhir fhir, int timeoutMs, int inFlight) {
    this.vertx = vertx;
    this.settings = settings;
    this.shots = shots;
    this.fhir = fhir;
    this.timeoutMs = timeoutMs;
    this.http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(timeoutMs).setKeepAlive(true).setIdleTimeout(60)
        .setUserAgent("Vaxflow-Registry/1").setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(Math.max(1, inFlight)));
  }

  @Override
  public String id() {
    return "registry";
  }

  @Override
  public String group() {
    return "registry";
  }

  @Override
  public boolean takes(Entry e) {
    return Shots.EVENT.equals(e.get("type")) && !e.get("shotId").isEmpty();
  }

  @Override
  public Future<Optional<Buffer>> body(String site, Entry e) {
    return shots.shot(site, e.get("shotId")).compose(found -> {
      if (found.isEmpty()) {
        LOG.warn("registry: shot {} of {} has no record any more: not delivered", e.get("shotId"), site);
        return Future.succeededFuture(Optional.<Buffer>empty());
      }
      Shot shot = found.get();
      if (shot.deliveredAt().isPresent()) return Future.succeededFuture(Optional.<Buffer>empty()); // the registry has it
      // the ticket's person: a walk-in's key is made from their ID number; their name and number go out in document mode only
      // HAPI's encoding (and its first use, the model's scan) off the event loop
      return shots.person(shot).compose(p -> vertx.executeBlocking(() -> Optional.of(Buffer.buffer(Fhir.json(fhir.immunization(shot, p)))), false));
    });
  }

  @Override
  public Future<Integer> send(String deliveryId, String site, Entry e, Buffer body) {
    String identifier = fhir.system("shot") + "|" + e.get("shotId");
    HttpRequest<Buffer> req = http.requestAbs(HttpMethod.PUT,
            settings.url() + "/Immunization?identifier=" + URLEncoder.encode(identifier, StandardCharsets.UTF_8))
        .timeout(timeoutMs)
        .putHeader("Content-Type", Fhir.JSON + "; charset=utf-8")
        .putHeader("Accept", Fhir.JSON)
        .putHeader("X-Vaxflow-Delivery", deliveryId);
    if (!settings.authorization().isEmpty()) req.putHeader("Authorization", settings.authorization());
    return req.sendBuffer(body).map(HttpResponse::statusCode);
  }

  @Override
  public Future<Void> delivered(String site, Entry e) {
    return shots.delivered(site, e.get("shotId"), settings.url()).mapEmpty();
  }
}
