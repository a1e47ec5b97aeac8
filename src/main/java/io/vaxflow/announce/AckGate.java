package io.vaxflow.announce;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the bridge lets in from browsers: well-formed display acknowledgements, a few a second per
 * SockJS connection and a bounded number a second in all. Each connection speaks for one display
 * of one site (the first it names), so one socket cannot fill the dashboard with made-up displays.
 * A connection that keeps sending beyond its allowance is closed; its allowance is forgotten then.
 */
final class AckGate {

  static final double PER_SOCKET_RATE = 5;
  static final double PER_SOCKET_BURST = 20;
  static final double TOTAL_RATE = 200;
  static final double TOTAL_BURST = 400;
  /** More open connections than this are not given an allowance (acks from them are refused). */
  static final int MAX_SOCKETS = 20_000;
  /** A connection that sends this many acks in a row beyond its allowance is closed (a display holds at most 100). */
  static final int CLOSE_AFTER_REFUSED = 300;

  /** A token bucket; callers synchronize on it. */
  private static final class Bucket {
    private final double rate;
    private final double burst;
    private double tokens;
    private long at = System.nanoTime();

    Bucket(double rate, double burst) {
      this.rate = rate;
      this.burst = burst;
      this.tokens = burst;
    }

    boolean take() {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - at) * rate / 1e9);
      at = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    }
  }

  private record Speaker(String address, String displayId, Bucket bucket, int[] refusedInARow) {}

  private final Map<SockJSSocket, Speaker> speakers = new ConcurrentHashMap<>();
  private final Bucket total = new Bucket(TOTAL_RATE, TOTAL_BURST);

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
          s -> new Speaker(address, ack.get().displayId(), new Bucket(PER_SOCKET_RATE, PER_SOCKET_BURST), new int[1]));
    }
    boolean allowed;
    synchronized (speaker.bucket()) {
      allowed = speaker.address().equals(address) && speaker.displayId().equals(ack.get().displayId())
          && speaker.bucket().take();
      if (allowed) {
        speaker.refusedInARow()[0] = 0;
      } else if (++speaker.refusedInARow()[0] >= CLOSE_AFTER_REFUSED) {
        speakers.remove(socket);
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
}
