package io.vaxflow.notify;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver as a city would run one: a real HTTP server on a loopback port, which records every request
 * (its headers, its body, what it answered) and answers {@link #answer} (200 unless a test says otherwise). It can
 * be stopped and started again on the same port (a receiver that is down for a while).
 */
final class Receiver {

  /** One request as it arrived, and the status it was answered. */
  record Got(String delivery, String event, String signature, String body, int answered, boolean signed) {
    JsonObject json() {
      return new JsonObject(body);
    }

    boolean ok() {
      return answered / 100 == 2;
    }
  }

  private final Vertx vertx;
  private final String secret;
  private final List<Got> got = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private int port;
  /** The status for a request, by its delivery id. */
  volatile ToIntFunction<String> answer = id -> 200;
  /** How long each answer waits (a receiver that takes its time). */
  volatile long delayMs;

  Receiver(Vertx vertx, String secret) {
    this.vertx = vertx;
    this.secret = secret;
  }

  Receiver start() {
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

  void stop() {
    server.close().await();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  List<Got> all() {
    return List.copyOf(got);
  }

  /** Requests answered 2xx. */
  List<Got> delivered() {
    return got.stream().filter(Got::ok).toList();
  }

  /** The event ids of the {@code type} events answered 2xx. */
  Set<String> eventIds(String type) {
    return delivered().stream().filter(g -> type.equals(g.event())).map(g -> g.json().getString("eventId")).collect(Collectors.toSet());
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
