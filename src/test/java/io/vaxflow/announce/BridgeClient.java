package io.vaxflow.announce;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A raw event-bus bridge client over the SockJS websocket transport ({@code /eventbus/websocket}). */
final class BridgeClient implements AutoCloseable {

  final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final WebSocketClient client;
  private final WebSocket ws;

  BridgeClient(Vertx vertx, int port, String cookie) {
    this(vertx, port, cookie, null);
  }

  /**
   * {@code forwardedFor}: the browser's address as a proxy in front of the server would report it
   * (loopback is a trusted proxy by default), or null for a browser that connects directly.
   */
  BridgeClient(Vertx vertx, int port, String cookie, String forwardedFor) {
    client = vertx.createWebSocketClient();
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket");
    if (cookie != null) o.addHeader("Cookie", cookie);
    if (forwardedFor != null) o.addHeader("X-Forwarded-For", forwardedFor);
    try {
      ws = client.connect(o).await();
    } catch (RuntimeException refused) {
      client.close();
      throw refused;
    }
    ws.handler(b -> frames.add(new JsonObject(b.toString())));
  }

  void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address));
  }

  void send(JsonObject frame) {
    sendText(frame.encode());
  }

  void sendText(String frame) {
    ws.writeTextMessage(frame).await();
  }

  boolean closed() {
    return ws.isClosed();
  }

  List<JsonObject> received(String address) {
    return frames.stream().filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
        .map(f -> f.getJsonObject("body")).toList();
  }

  List<JsonObject> errors() {
    return frames.stream().filter(f -> "err".equals(f.getString("type"))).toList();
  }

  /** Polls until the condition holds, at most {@code seconds}. */
  static void await(String what, int seconds, java.util.function.BooleanSupplier ok) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  long count(String address, Predicate<JsonObject> p) {
    return received(address).stream().filter(p).count();
  }

  @Override
  public void close() {
    ws.close().await();
    client.close().await();
  }
}
