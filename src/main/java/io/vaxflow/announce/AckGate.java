package io.vaxflow.announce;

import io.vaxflow.gateway.Forwarded;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bridge lets in from browsers: well-formed display acknowledgements, a few a second per
 * SockJS connection and a bounded number a second in all. Each connection speaks for one display
 * of one site (the first it names), so one socket cannot fill the dashboard with made-up displays.
 *
 * <p>A connection that keeps sending beyond its allowance is closed, and its browser's address
 * ({@link Forwarded#client}) may open no bridge connection for {@link #BOX_MS}: the bridge's door
 * refuses it before SockJS decodes anything ({@link #boxedMs}). Reading, parsing and refusing
 * every frame of a flood costs the event loop that also serves check-ins; a refused request
 * costs far less, and a flooder that connects again only meets that.
 */
public final class AckGate {

  static final double PER_SOCKET_RATE = 5;
  static final double PER_SOCKET_BURST = 20;
  static final double TOTAL_RATE = 200;
  static final double TOTAL_BURST = 400;
  /** More open connections than this are not given an allowance (acks from them are refused). */
  static final int MAX_SOCKETS = 20_000;
  /** A connection that sends this many acks in a row beyond its allowance is closed (a display holds at most 100). */
  public static final int CLOSE_AFTER_REFUSED = 300;
  /** How long the address of a connection closed for flooding may open no bridge connection. */
  public static final long BOX_MS = 60_000;
  /** At most this many addresses are refused at once (the oldest is let go first). */
  static final int MAX_BOXED = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(AckGate.class);

  /** A token bucket; callers synchronize on it. */
  private static final class Bucket {
    private final double rate;
    private final double burst;
    private double tokens;
    private long at;

    private final LongSupplier nanos;

    Bucket(double rate, double burst, LongSupplier nanos) {
      this.rate = rate;
      this.burst = burst;
      this.tokens = burst;
      this.nanos = nanos;
      this.at = nanos.getAsLong();
    }

    boolean take() {
      long now = nanos.getAsLong();
      tokens = Math.min(burst, tokens + (now - at) * rate / 1e9);
      at = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    }
  }

  private record Speaker(String address, String displayId, Bucket bucket, int[] refusedInARow) {}

  private final Map<SockJSSocket, Speaker> speakers = new ConcurrentHashMap<>();
  private final LongSupplier nanos;
  private final Bucket total;
  /** Refused addresses and when their refusal ends (System.nanoTime), oldest first. */
  private final LinkedHashMap<String, Long> boxed = new LinkedHashMap<>();

  AckGate() {
    this(System::nanoTime);
  }

  AckGate(LongSupplier nanos) {
    this.nanos = nanos;
    this.total = new Bucket(TOTAL_RATE, TOTAL_BURST, nanos);
  }

  /** Whether a message a browser sent ({address, body}) goes on to the event bus. */
  boolean admit(SockJSSocket socket, JsonObject raw) {
    if (raw == null) return false;
    Optional<Ack> ack = Ack.of(raw.getValue("body"));
    if (ack.isEmpty()) return false;
    String address = raw.getString("address", "");
    Speaker speaker = speakers.get(socket);
    if (speaker == null) {
      if (speakers.size() >= MAX_SOCKETS) return false;
      speaker = speakers.computeIfAbsent(socket,
          s -> new Speaker(address, ack.get().displayId(), new Bucket(PER_SOCKET_RATE, PER_SOCKET_BURST, nanos), new int[1]));
    }
    boolean allowed;
    synchronized (speaker.bucket()) {
      allowed = speaker.address().equals(address) && speaker.displayId().equals(ack.get().displayId())
          && speaker.bucket().take();
      if (allowed) {
        speaker.refusedInARow()[0] = 0;
      } else if (++speaker.refusedInARow()[0] >= CLOSE_AFTER_REFUSED) {
        speakers.remove(socket);
        box(client(socket));
        socket.close();
      }
    }
    if (!allowed) return false;
    synchronized (total) {
      return total.take();
    }
  }

  void closed(SockJSSocket socket) {
    speakers.remove(socket);
  }

  /** How long (ms) the address may still open no bridge connection; 0: it may. */
  synchronized long boxedMs(String address) {
    long now = nanos.getAsLong();
    for (var oldest = boxed.entrySet().iterator(); oldest.hasNext(); ) {
      if (oldest.next().getValue() - now > 0) break;
      oldest.remove(); // every refusal lasts as long, so the map is in order of its ends
    }
    Long until = boxed.get(address);
    return until == null ? 0 : Math.max(1, (until - now) / 1_000_000);
  }

  synchronized void box(String address) {
    if (boxed.remove(address) == null) {
      LOG.warn("bridge: a connection from {} sent {} acks in a row beyond its allowance and was closed; "
          + "that address may open no bridge connection for {} s", address, CLOSE_AFTER_REFUSED, BOX_MS / 1000);
    }
    boxed.put(address, nanos.getAsLong() + BOX_MS * 1_000_000);
    if (boxed.size() > MAX_BOXED) boxed.remove(boxed.keySet().iterator().next());
  }

  private static String client(SockJSSocket socket) {
    RoutingContext rc = socket.routingContext();
    if (rc != null) return Forwarded.client(rc);
    return socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
  }
}
