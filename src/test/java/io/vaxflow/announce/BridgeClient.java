package io.vaxflow.announce;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A raw event-bus bridge client over the SockJS websocket transport ({@code /eventbus/websocket}).
 * Frames are kept as they come; {@link #on} hands a test (a VertxTestContext's checkpoints and
 * {@code verify}) every message of an address, those already received first; {@link #heard} and
 * {@link #next} are the first message that matches, as a Future.
 */
public final class BridgeClient implements AutoCloseable {

  /** The bridge's answer to a frame without an address: what {@link #sync} waits for. */
  private static final String SYNC_REPLY = "missing_address";

  final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final List<Listener> listeners = new ArrayList<>();
  /** Completed when the bridge answers the frame {@link #sync} sent. */
  private Promise<Void> sync;
  private final WebSocketClient client;
  private final WebSocket ws;

  private record Listener(String address, Handler<JsonObject> handler) {}

  public BridgeClient(Vertx vertx, int port, String cookie) {
    this(vertx, port, cookie, null);
  }

  /**
   * {@code forwardedFor}: the browser's address as a proxy in front of the server would report it
   * (loopback is a trusted proxy by default), or null for a browser that connects directly.
   */
  public BridgeClient(Vertx vertx, int port, String cookie, String forwardedFor) {
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
    ws.handler(b -> received(new JsonObject(b.toString())));
  }

  private synchronized void received(JsonObject frame) {
    frames.add(frame);
    if ("err".equals(frame.getString("type")) && SYNC_REPLY.equals(frame.getString("body")) && sync != null) sync.tryComplete();
    if (!"rec".equals(frame.getString("type"))) return;
    for (Listener l : listeners) {
      if (l.address().equals(frame.getString("address"))) l.handler().handle(frame.getJsonObject("body"));
    }
  }

  /** Every message to {@code address}: those received so far at once, the later ones as they come (on an event loop). */
  synchronized void on(String address, Handler<JsonObject> handler) {
    received(address).forEach(handler::handle);
    listeners.add(new Listener(address, handler));
  }

  /** The first message to {@code address} that matches, received already or to come. */
  Future<JsonObject> heard(String address, Predicate<JsonObject> matches) {
    Promise<JsonObject> first = Promise.promise();
    on(address, m -> {
      if (matches.test(m)) first.tryComplete(m);
    });
    return first.future();
  }

  /** The first message to {@code address} that matches among those still to come. */
  synchronized Future<JsonObject> next(String address, Predicate<JsonObject> matches) {
    Promise<JsonObject> first = Promise.promise();
    listeners.add(new Listener(address, m -> {
      if (matches.test(m)) first.tryComplete(m);
    }));
    return first.future();
  }

  /**
   * Registers for {@code address} and returns once the bridge has dispatched the registration
   * ({@link #sync}). An address anyone may hear is registered by then; a staff address is being
   * checked against the session (one Redis read, well before any change the test then makes
   * reaches the bridge).
   */
  public void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address));
    sync();
  }

  /**
   * Returns once the bridge has read every frame sent so far: it reads a socket's frames in order,
   * and answers this one, a frame without an address, at once. An answer (or a close) that a frame
   * sent before causes at once has come by then.
   */
  public void sync() {
    Promise<Void> read = Promise.promise();
    synchronized (this) {
      sync = read;
    }
    send(new JsonObject().put("type", "register"));
    within(10, read.future(), "the bridge to read the frames sent");
  }

  /** The result of {@code f} once it has one, failing the test after {@code seconds}. */
  static <T> T within(int seconds, Future<T> f, String what) {
    try {
      return f.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out waiting for " + what);
    }
  }

  public void send(JsonObject frame) {
    sendText(frame.encode());
  }

  void sendText(String frame) {
    ws.writeTextMessage(frame).await();
  }

  public boolean closed() {
    return ws.isClosed();
  }

  public List<JsonObject> received(String address) {
    return frames.stream().filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
        .map(f -> f.getJsonObject("body")).toList();
  }

  /** The bridge's refusals, but for the answers {@link #sync} asked for. */
  public List<JsonObject> errors() {
    return frames.stream().filter(f -> "err".equals(f.getString("type")) && !SYNC_REPLY.equals(f.getString("body"))).toList();
  }

  /** Polls until the condition holds, at most {@code seconds}. */
  public static void await(String what, int seconds, java.util.function.BooleanSupplier ok) {
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
