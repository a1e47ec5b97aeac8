package io.vaxflow.announce;

import io.vaxflow.gateway.Forwarded;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bridge lets in from browsers. Every frame a connection sends (an ack, a registration,
 * a ping, garbage) draws on its frame allowance before the bridge parses it ({@link #frame}); of
 * those, only well-formed display acknowledgements go on, a few a second per connection and a
 * bounded number a second in all ({@link #admit}). Each connection speaks for one display of one
 * site (the first it names), so one socket cannot fill the dashboard with made-up displays.
 *
 * <p>A connection that runs out of frames is closed, and its browser's address ({@link
 * Forwarded#client}) may open no bridge connection for {@link #BOX_MS}: the bridge's door refuses
 * it before SockJS reads anything ({@link #boxedMs}). Reading, parsing and refusing every frame
 * of a flood costs the event loop that also serves check-ins; a refused request costs far less,
 * and a flooder that connects again only meets that.
 */
public final class AckGate {

  static final double PER_SOCKET_RATE = 5;
  static final double PER_SOCKET_BURST = 20;
  static final double TOTAL_RATE = 200;
  static final double TOTAL_BURST = 400;
  /**
   * Frames a connection may send at once, then a second: a display that comes back registers a
   * few addresses and sends at most 100 held acks; it pings every 5 s.
   */
  public static final int FRAME_BURST = 300;
  public static final double FRAME_RATE = 10;
  /** More open connections than this are not metered: a new one beyond it is closed at its first frame. */
  static final int MAX_SOCKETS = 20_000;
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

  /** A connection: its frames, and once it acks (or says hello), the display it speaks for, its sound and its acks. */
  private static final class Speaker {
    final Bucket frames;
    String address;
    String site;
    String displayId;
    Optional<Displays.Sound> sound = Optional.empty();
    Bucket acks;
    boolean closed;

    Speaker(Bucket frames) {
      this.frames = frames;
    }
  }

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

  /**
   * Whether the bridge may read a frame the connection sent. One beyond its allowance closes it
   * and refuses its address ({@link #box}); what it sent after that is dropped unread.
   */
  boolean frame(SockJSSocket socket) {
    Speaker speaker = speakers.get(socket);
    if (speaker == null) {
      if (speakers.size() >= MAX_SOCKETS) {
        socket.close();
        return false;
      }
      speaker = speakers.computeIfAbsent(socket, s -> new Speaker(new Bucket(FRAME_RATE, FRAME_BURST, nanos)));
    }
    synchronized (speaker) {
      if (speaker.closed) return false;
      if (speaker.frames.take()) return true;
      speaker.closed = true;
    }
    box(Forwarded.client(socket.routingContext())); // every SockJS socket keeps the request that opened it
    socket.close();
    return false;
  }

  /** A display of a site, as a connection speaks for it. */
  record Voice(String site, String displayId, Optional<Displays.Sound> sound) {}

  /**
   * The ack (or hello) a browser sent ({address, body}) to the ack address of {@code site}, if it
   * goes on to the event bus: well-formed, from a connection that speaks for that display only,
   * within the allowances.
   */
  Optional<Ack> admit(SockJSSocket socket, String site, JsonObject raw) {
    if (raw == null) return Optional.empty();
    Optional<Ack> ack = Ack.of(raw.getValue("body"));
    if (ack.isEmpty()) return Optional.empty();
    String address = raw.getString("address", "");
    Speaker speaker = speakers.get(socket);
    if (speaker == null) return Optional.empty(); // a frame not metered: never
    synchronized (speaker) {
      if (speaker.acks == null) {
        speaker.address = address;
        speaker.site = site;
        speaker.displayId = ack.get().displayId();
        speaker.acks = new Bucket(PER_SOCKET_RATE, PER_SOCKET_BURST, nanos);
      }
      if (!speaker.address.equals(address) || !speaker.displayId.equals(ack.get().displayId()) || !speaker.acks.take()) {
        return Optional.empty();
      }
      if (ack.get().sound().isPresent()) speaker.sound = ack.get().sound();
    }
    synchronized (total) {
      return total.take() ? ack : Optional.empty();
    }
  }

  /** The display the connection speaks for, once it sent an ack or a hello. */
  Optional<Voice> speaksFor(SockJSSocket socket) {
    Speaker speaker = speakers.get(socket);
    if (speaker == null) return Optional.empty();
    synchronized (speaker) {
      return speaker.displayId == null ? Optional.empty() : Optional.of(new Voice(speaker.site, speaker.displayId, speaker.sound));
    }
  }

  /**
   * Forgets a closed connection; the display it spoke for, unless another open connection here
   * speaks for the same display (a page reloaded, or a second tab): then it is not gone.
   */
  Optional<Voice> closed(SockJSSocket socket) {
    Optional<Voice> voice = speaksFor(socket);
    speakers.remove(socket);
    if (voice.isEmpty()) return voice;
    for (Speaker other : speakers.values()) {
      synchronized (other) {
        if (!other.closed && voice.get().displayId().equals(other.displayId) && voice.get().site().equals(other.site)) {
          return Optional.empty();
        }
      }
    }
    return voice;
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
      LOG.warn("bridge: a connection from {} sent more than {} frames at once (or {} a second) and was closed; "
          + "that address may open no bridge connection for {} s", address, FRAME_BURST, FRAME_RATE, BOX_MS / 1000);
    }
    boxed.put(address, nanos.getAsLong() + BOX_MS * 1_000_000);
    if (boxed.size() > MAX_BOXED) boxed.remove(boxed.keySet().iterator().next());
  }
}
