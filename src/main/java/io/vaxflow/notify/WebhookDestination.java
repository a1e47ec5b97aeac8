package io.vaxflow.notify;

import io.vaxflow.config.VaxflowConfig.Webhook;
import io.vaxflow.store.EventStream.Entry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Optional;

/** A configured webhook as a {@link Destination}: the events of its kinds POSTed as JSON ({@link EventPayloads}), signed. */
record WebhookDestination(Webhook webhook, WebClient http, EventPayloads payloads, int timeoutMs) implements Destination {

  @Override
  public String id() {
    return webhook.id();
  }

  @Override
  public String group() {
    return "webhook:" + webhook.id();
  }

  @Override
  public boolean readsCity() {
    // the one-time codes of bookings are in the city's stream, vf:{city}:events: read only for a receiver of otp
    return webhook.events().contains(Webhook.Event.OTP);
  }

  @Override
  public boolean takes(Entry e) {
    return EventPayloads.kind(e).filter(webhook.events()::contains).isPresent();
  }

  @Override
  public Future<Optional<Buffer>> body(String site, Entry e) {
    return payloads.payload(site, e, EventPayloads.kind(e).orElseThrow(), webhook.personal()).map(p -> p.map(JsonObject::toBuffer));
  }

  /** One attempt: the body POSTed with its delivery id, kind and signature; the receiver's status. */
  @Override
  public Future<Integer> send(String deliveryId, String site, Entry e, Buffer body) {
    return http.requestAbs(HttpMethod.POST, webhook.url()).timeout(timeoutMs)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("X-Vaxflow-Delivery", deliveryId)
        .putHeader("X-Vaxflow-Event", EventPayloads.kind(e).orElseThrow().wire())
        .putHeader(Signature.HEADER, Signature.of(webhook.secret(), body))
        .sendBuffer(body)
        .map(HttpResponse::statusCode);
  }
}
