package io.vaxflow.gateway;

import io.vaxflow.support.Ids;
import io.vaxflow.announce.Addresses;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.RedisLauncher;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The real redis-server killed with {@code kill -9} while a kiosk keeps checking people in:
 * requests get 503 UNAVAILABLE (with Retry-After; /health 503 DOWN) before the store's 5 s timeout,
 * never a hang; Redis restarted on the same port and data directory: check-in works again, and
 * every check-in acknowledged before the kill (201 with a number) is still there, with consistent
 * counts; the timer sweep and the live calls (event stream tail → event bus) work again.
 *
 * <p>The 1 s and 5 s bounds are the behaviour the issue asks for, asserted generously; the
 * measured figures are printed.
 */
class RedisOutageTest {

  private static final AtomicInteger ID = new AtomicInteger();
  private static final int KIOSK_BEFORE_KILL = 100;

  @Test
  void killedRedisGives503QuicklyAndARestartLosesNoAcknowledgedCheckIn() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-outage");
    RedisLauncher redis = RedisLauncher.start(dir);
    RedisLauncher restarted = null;
    TestCity city = null;
    try {
      city = TestCity.on(redis, Map.of(
          // every check-in is called to the room at once (a called ticket holds its hall seat until the door),
          // and a call not answered is re-called after 3 s (the sweep)
          "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000",
          "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "10000",
          "VAXFLOW_FLOW_ARRIVALTIMEOUTSEC", "3"));
      ConcurrentLinkedQueue<JsonObject> live = new ConcurrentLinkedQueue<>();
      city.vertx.eventBus().<JsonObject>consumer(Addresses.calls(SITE), m -> live.add(m.body()));

      List<String> acknowledged = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 5; i++) acknowledged.add(city.walkIn(SITE, "Zhao Lei", idNumber()).getString("number"));
      String first = acknowledged.get(0);
      awaitTrue(() -> live.stream().anyMatch(c -> first.equals(c.getString("number"))), 10_000, "live call of " + first);

      // a kiosk checking people in, one after another, through the kill: killed once it has had
      // KIOSK_BEFORE_KILL acknowledged (a bounded backlog: every one of them is re-called by the
      // sweep after the restart, ahead of the check-in whose re-call the test waits for)
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger unanswered = new AtomicInteger();
      TestCity c = city;
      Thread kiosk = new Thread(() -> {
        while (!stop.get() && acknowledged.size() < 2_000) {
          try {
            Reply r = c.post(API + "/checkins", walkInBody());
            if (r.status() == 201) acknowledged.add(r.json().getJsonObject("ticket").getString("number"));
            else unanswered.incrementAndGet();
          } catch (RuntimeException e) {
            unanswered.incrementAndGet();
          }
        }
      }, "kiosk");
      kiosk.start();
      awaitTrue(() -> acknowledged.size() >= 5 + KIOSK_BEFORE_KILL, 30_000, "the kiosk's first check-ins");

      long pid = redisPid(city);
      int beforeKill = acknowledged.size();
      Process kill = new ProcessBuilder("kill", "-9", String.valueOf(pid)).inheritIO().start();
      assertEquals(0, kill.waitFor(), "kill -9 " + pid);
      ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
      Thread.sleep(100);
      stop.set(true);
      kiosk.join(10_000);
      assertTrue(!kiosk.isAlive(), "the kiosk's last request came back");
      System.out.printf("RedisOutageTest: killed redis-server pid %d with %d check-ins acknowledged (%d before the kiosk started; "
          + "%d while it ran before the kill call, %d refused after)%n", pid, acknowledged.size(), 5, beforeKill - 5, unanswered.get());

      // Redis is gone: 503 UNAVAILABLE fast, every time
      List<Long> outageMs = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        outageMs.add(unavailable(city, "POST", API + "/checkins"));
        outageMs.add(unavailable(city, "GET", API + "/state"));
        outageMs.add(unavailable(city, "GET", API + "/tickets/" + first));
        outageMs.add(unavailable(city, "GET", "/health"));
      }
      System.out.println("RedisOutageTest: answers while Redis was down (ms): " + outageMs);

      // restarted on the same data: full service again (how soon is printed: a figure for the benchmark, not a bound)
      long restartAt = System.nanoTime();
      restarted = RedisLauncher.start(dir, redis.port());
      long readyMs = (System.nanoTime() - restartAt) / 1_000_000;
      Reply ok;
      int attempts = 0;
      do {
        attempts++;
        ok = city.post(API + "/checkins", walkInBody());
        if (ok.status() != 201) Thread.sleep(50);
      } while (ok.status() != 201 && System.nanoTime() - restartAt < 30_000_000_000L);
      long recoveredMs = (System.nanoTime() - restartAt) / 1_000_000;
      assertEquals(201, ok.status(), "check-in after the restart: " + ok.body());
      String after = ok.json().getJsonObject("ticket").getString("number");
      System.out.printf("RedisOutageTest: redis-server answered PING %d ms after the restart began; first check-in "
          + "acknowledged %d ms after it (%d attempts)%n", readyMs, recoveredMs, attempts);
      Reply health = city.get("/health");
      assertEquals(200, health.status(), health.body());

      // nothing acknowledged was lost
      for (String n : acknowledged) {
        Reply t = city.get(API + "/tickets/" + n);
        assertEquals(200, t.status(), "acknowledged ticket " + n + " after the restart: " + t.body());
        assertEquals(n, t.json().getString("number"));
      }
      JsonObject counts = city.get(API + "/state").json().getJsonObject("counts");
      long issued = counts.getLong("issued");
      int known = acknowledged.size() + 1;
      int refused = unanswered.get() + attempts - 1;
      assertTrue(issued >= known && issued <= known + refused, "issued " + issued + ": " + known
          + " acknowledged, at most " + refused + " more whose answer was lost in the outage");
      long placed = 0;
      for (String k : List.of("outside", "hall", "room", "desk", "vaccination", "booth", "observation", "released", "noShow")) {
        placed += counts.getLong(k);
      }
      assertEquals(issued, placed, "every issued ticket is in exactly one stage: " + counts);
      assertEquals(acknowledged.size(), acknowledged.stream().distinct().count(), "no number was given twice");

      // live calls again: the new ticket's call reaches the event bus (the stream tail reconnected) and the calls feed
      awaitTrue(() -> live.stream().anyMatch(x -> after.equals(x.getString("number"))), 15_000, "live call of " + after);
      long liveMs = (System.nanoTime() - restartAt) / 1_000_000;
      System.out.printf("RedisOutageTest: live calls again %d ms after the restart began%n", liveMs);
      JsonArray calls = city.get(API + "/calls").array();
      assertTrue(calls.stream().anyMatch(x -> after.equals(((JsonObject) x).getString("number"))), "the calls feed has " + after);
      // the timer sweep again: not through the door within 3 s, the ticket is called a second time
      long sweepFrom = System.nanoTime();
      awaitTrue(() -> c.get(API + "/calls").array().stream()
          .filter(x -> after.equals(((JsonObject) x).getString("number"))).count() >= 2, 15_000, "the sweep's re-call of " + after);
      System.out.printf("RedisOutageTest: the sweep re-called %s %d ms after its first call was checked%n", after,
          (System.nanoTime() - sweepFrom) / 1_000_000);
    } finally {
      if (city != null) city.close();
      if (restarted != null) restarted.stop();
      redis.stop();
      TestCity.deleteTree(dir);
    }
  }

  // ---- helpers ----

  /**
   * The request is answered 503 UNAVAILABLE (with Retry-After; /health 503 DOWN) before the store's
   * 5 s timeout (nobody waits on a dead connection: a refused one is known at once); returns the time.
   */
  private static long unavailable(TestCity city, String method, String path) {
    long t0 = System.nanoTime();
    Reply r = method.equals("POST") ? city.post(path, walkInBody()) : city.get(path);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, r.status(), method + " " + path + " with Redis down: " + r.body());
    if (path.equals("/health")) {
      assertEquals("DOWN", r.json().getString("status"), r.body());
      assertEquals("DOWN", r.json().getJsonObject("checks").getJsonObject("redis").getString("status"));
    } else {
      assertEquals("UNAVAILABLE", r.errorCode(), r.body());
      assertNotNull(r.headers().get("Retry-After"), method + " " + path + ": 503 without Retry-After");
    }
    assertTrue(ms < 5_000, method + " " + path + " took " + ms + " ms with Redis down: it waited for the store's timeout");
    return ms;
  }

  private static long redisPid(TestCity city) {
    String info = city.redis(Command.INFO, "server").toString();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("process_id:")) return Long.parseLong(line.substring("process_id:".length()).strip());
    }
    throw new AssertionError("no process_id in INFO server");
  }

  private static JsonObject walkInBody() {
    return new JsonObject().put("walkIn", new JsonObject().put("name", "Zhao Lei").put("idNumber", idNumber()).put("dose", 1));
  }

  private static String idNumber() {
    return Ids.resident(12, ID.incrementAndGet());
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeoutMs + " ms: " + what);
      Thread.sleep(50);
    }
  }
}
