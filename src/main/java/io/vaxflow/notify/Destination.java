package io.vaxflow.notify;

import io.vaxflow.store.EventStream.Entry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;

/**
 * What the sites' events are delivered to, at least once ({@link Webhooks}): a webhook, or the city's immunization
 * registry. Each receiver reads each site's stream through a consumer group of its own; an entry it {@link #takes} is
 * delivered ({@link #body}, then {@link #send} until it answers 2xx, then {@link #delivered}) and acknowledged; any
 * other entry is acknowledged at once. A receiver that fails is retried with backoff, and what a stopped instance
 * held is taken over, whatever kind of receiver it is.
 */
public interface Destination {

  /** Its name in metrics, /health, logs and its deliveries' ids. */
  String id();

  /** Its consumer group in each stream (one name per receiver, kept across restarts). */
  String group();

  /** Whether it reads the city's stream ({@code vf:{city}:events}, the one-time codes) besides the sites'. */
  default boolean readsCity() {
    return false;
  }

  /** Whether {@code e} is for it. */
  boolean takes(Entry e);

  /** What it is sent for {@code e} of {@code site}, built once for every attempt; empty: nothing left to send (skipped). */
  Future<Optional<Buffer>> body(String site, Entry e);

  /** One attempt: the receiver's HTTP status (2xx: it has it); a failed future is a failed attempt too. */
  Future<Integer> send(String deliveryId, String site, Entry e, Buffer body);

  /** After a 2xx, before the entry is acknowledged: what the delivery settles (a failure: the delivery is retried). */
  default Future<Void> delivered(String site, Entry e) {
    return Future.succeededFuture();
  }
}
