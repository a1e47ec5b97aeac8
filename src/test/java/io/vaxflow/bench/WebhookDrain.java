package io.vaxflow.bench;

import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.TestCity;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How fast one webhook is delivered, and what it costs: {@code -Dbench.events=N} call events (default 20,000) wait in
 * one site's stream while the receiver is down, then a receiver on loopback (a Vert.x server in this JVM, answering
 * 204 at once) comes up and the backlog drains at {@code notify.inFlight} at a time ({@code -Dbench.inFlight}, default
 * 8). Prints deliveries a second, and the CPU of this JVM (the server and the receiver) and of redis-server per event.
 * <pre>java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" -Dbench.events=20000 io.vaxflow.bench.WebhookDrain</pre>
 */
public final class WebhookDrain {

  private WebhookDrain() {}

  public static void main(String[] args) throws Exception {
    int events = Integer.getInteger("bench.events", 20_000);
    int inFlight = Integer.getInteger("bench.inFlight", 8);
    Vertx vertx = Vertx.vertx();
    AtomicInteger got = new AtomicInteger();
    HttpServer receiver = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> {
          got.incrementAndGet();
          req.response().setStatusCode(204).end();
        }));
    int port = receiver.listen(0, "127.0.0.1").await().actualPort();
    receiver.close().await(); // down while the backlog is made
    try (TestCity city = TestCity.start(Map.of("VAXFLOW_WEBHOOKS_0_ID", "drain",
        "VAXFLOW_WEBHOOKS_0_URL", "http://127.0.0.1:" + port + "/", "VAXFLOW_WEBHOOKS_0_EVENTS", "call",
        "VAXFLOW_WEBHOOKS_0_SECRET", "a-benchmark-secret!", "VAXFLOW_NOTIFY_INFLIGHT", String.valueOf(inFlight),
        "VAXFLOW_NOTIFY_RETRYCAPSEC", "1"))) {
      Redis redis = Redis.createClient(vertx, city.redis.url());
      List<Request> batch = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        batch.add(Request.cmd(Command.XADD).arg(SiteKeys.Site.EVENTS.of("pudong")).arg("*").arg("type").arg("call")
            .arg("day").arg(TestCity.TODAY).arg("at").arg(System.currentTimeMillis()).arg("by").arg("bench")
            .arg("number").arg(String.format("A%03d", i % 1000)).arg("toKind").arg("room").arg("toId").arg("room"));
        if (batch.size() == 1000) {
          redis.batch(batch).await();
          batch.clear();
        }
      }
      if (!batch.isEmpty()) redis.batch(batch).await();
      Thread.sleep(2_000); // the first inFlight deliveries are failing and waiting for their retry
      long redisPid = Long.parseLong(redis.send(Request.cmd(Command.INFO).arg("server")).await().toString()
          .lines().filter(l -> l.startsWith("process_id:")).findFirst().orElseThrow().substring(11).strip());
      long cpu0 = cpu();
      long redis0 = redisCpuMs(redisPid);
      long t0 = System.nanoTime();
      vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
        got.incrementAndGet();
        req.response().setStatusCode(204).end();
      })).listen(port, "127.0.0.1").await();
      while (got.get() < events) Thread.sleep(20);
      double sec = (System.nanoTime() - t0) / 1e9;
      double cpuMs = (cpu() - cpu0) / 1e6;
      long redisMs = redisCpuMs(redisPid) - redis0;
      System.out.printf("%d deliveries in %.1f s: %.0f a second (inFlight %d); CPU per event: JVM (server and receiver) %.3f ms,"
          + " redis-server %.3f ms%n", events, sec, events / sec, inFlight, cpuMs / events, (double) redisMs / events);
      redis.close();
    } finally {
      vertx.close().await();
    }
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** utime + stime of a process, in ms (clock ticks of 10 ms). */
  private static long redisCpuMs(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll("^.*\\) ", "").split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }
}
