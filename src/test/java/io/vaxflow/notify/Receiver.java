package io.vaxflow.notify;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver as a city would run one: a real HTTP server on a loopback port, which records every request
 * (its headers, its body, what it answered) and answers {@link #answer} (200 unless a test says otherwise). It can
 * be stopped and started again on the same port (a receiver that is down for a while). The booking tests read the
 * one-time codes of {@code otp} deliveries from one ({@link #code}). A city is pointed at it by {@link #webhook}; one
 * made by {@link #start(String)} runs on a Vert.x of its own (as a city's SMS gateway is a system of its own), which
 * {@link #close} closes.
 */
public final class Receiver implements AutoCloseable {

  /** One request as it arrived, and the status it was answered. */
  public record Got(String delivery, String event, String signature, String body, int answered, boolean signed) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public boolean ok() {
      return answered / 100 == 2;
    }
  }

  private final Vertx vertx;
  private final boolean ownVertx;
  private final String secret;
  private final List<Got> got = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private int port;
  /** The status for a request, by its delivery id. */
  volatile ToIntFunction<String> answer = id -> 200;
  /** How long each answer waits (a receiver that takes its time). */
  volatile long delayMs;

  public Receiver(Vertx vertx, String secret) {
    this(vertx, false, secret);
  }

  private Receiver(Vertx vertx, boolean ownVertx, String secret) {
    this.vertx = vertx;
    this.ownVertx = ownVertx;
    this.secret = secret;
  }

  /** A receiver started on a Vert.x of its own, signing with {@code secret}; {@link #close} stops it and its Vert.x. */
  public static Receiver start(String secret) {
    return new Receiver(Vertx.vertx(), true, secret).start();
  }

  public Receiver start() {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String id = req.getHeader("X-Vaxflow-Delivery");
      int status = answer.applyAsInt(id);
      Runnable reply = () -> {
        String signature = req.getHeader("X-Vaxflow-Signature");
        got.add(new Got(id, req.getHeader("X-Vaxflow-Event"), signature, body.toString(StandardCharsets.UTF_8), status,
            signature(body.getBytes()).equals(signature)));
        req.response().setStatusCode(status).end();
      };
      if (delayMs > 0) vertx.setTimer(delayMs, t -> reply.run());
      else reply.run();
    })).listen(port, "127.0.0.1").await();
    port = server.actualPort();
    return this;
  }

  public void stop() {
    server.close().await();
  }

  /** Stops it, and closes its Vert.x when it has its own. */
  @Override
  public void close() {
    stop();
    if (ownVertx) vertx.close().await();
  }

  /**
   * The settings ({@code VAXFLOW_WEBHOOKS_<index>_...}) of a city's webhook {@code id} that delivers {@code events}
   * (comma-separated kinds) to this receiver at {@code path}, signed with its secret.
   */
  public Map<String, String> webhook(int index, String id, String path, String events) {
    String key = "VAXFLOW_WEBHOOKS_" + index + "_";
    return Map.of(key + "ID", id, key + "URL", url(path), key + "EVENTS", events, key + "SECRET", secret);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  public List<Got> all() {
    return List.copyOf(got);
  }

  /** Requests answered 2xx. */
  public List<Got> delivered() {
    return got.stream().filter(Got::ok).toList();
  }

  /** The event ids of the {@code type} events answered 2xx. */
  public Set<String> eventIds(String type) {
    return delivered().stream().filter(g -> type.equals(g.event())).map(g -> g.json().getString("eventId")).collect(Collectors.toSet());
  }

  /** The signed {@code otp} deliveries to {@code phone} so far, oldest first. */
  public List<JsonObject> codesTo(String phone) {
    return delivered().stream().filter(g -> "otp".equals(g.event()) && g.signed()).map(Got::json)
        .filter(j -> phone.equals(j.getString("phone"))).toList();
  }

  /**
   * The code of the first signed {@code otp} delivery to {@code phone} after the {@code before} it had, for
   * {@code purpose}, waiting for it up to {@code maxMs}: the SMS gateway's text message, as the person reads it.
   */
  public String code(String phone, String purpose, int before, long maxMs) {
    long until = System.currentTimeMillis() + maxMs;
    while (true) {
      List<JsonObject> codes = codesTo(phone);
      if (codes.size() > before) {
        JsonObject otp = codes.get(before);
        if (!purpose.equals(otp.getString("purpose"))) throw new AssertionError("a code for " + otp.getString("purpose") + ", not " + purpose);
        return otp.getString("code");
      }
      if (System.currentTimeMillis() > until) throw new AssertionError("no otp delivery to " + phone + " for " + purpose);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The signature a body must carry, computed here with javax.crypto (not by the server's code). */
  private String signature(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
