package io.vaxflow.flow;

import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.next;
import static io.vaxflow.support.FlowKit.ok;
import static io.vaxflow.support.FlowKit.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.RedisLauncher;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Redis comes back without its data (restarted on an empty directory). The server notices (the
 * site's marker is gone), says so on /health until it has restored the site's settings, and never
 * issues a number twice: numbering continues above every number it saw issued.
 */
class EmptyRedisTest {

  private static final AtomicInteger ID = new AtomicInteger();

  @Test
  void anEmptiedRedisIsNoticedAndRestoredWithoutReissuingANumber() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-empty");
    RedisLauncher redis = RedisLauncher.start(dir);
    RedisLauncher emptied = null;
    Path emptyDir = Files.createTempDirectory("vaxflow-empty-2");
    // no timer sweep during the test: the loss is found by the requests and /health alone
    try (TestCity city = TestCity.on(redis, Map.of("VAXFLOW_FLOW_TICKMS", "60000"))) {
      List<String> issued = new ArrayList<>();
      for (int i = 0; i < 5; i++) issued.add(city.walkIn(SITE, "Before Loss", id()).getString("number"));

      redis.stop();
      emptied = RedisLauncher.start(emptyDir, redis.port());

      // /health answers DATA_LOST until the sites are restored; the server's own background reads
      // (the state publisher's snapshot after its stream tail reconnects) may find the loss and
      // restore first, and then /health says it was lost
      Reply health = city.get("/health");
      JsonObject seen = health.json().getJsonObject("checks").getJsonObject("redis");
      if (health.status() == 200) {
        assertTrue(seen.getInteger("dataLosses", 0) >= 1 && seen.containsKey("lastDataLoss"),
            "an emptied Redis restored already is said to have lost its data: " + health.body());
      } else {
        assertEquals(503, health.status(), "an emptied Redis is not UP: " + health.body());
        assertEquals("DATA_LOST", seen.getString("status"), health.body());
      }

      Reply after = city.post(API + "/checkins", walkIn());
      assertEquals(201, after.status(), after.body());
      String number = after.json().getJsonObject("ticket").getString("number");
      assertEquals("W006", number, "numbering continues above the numbers issued before the loss");
      assertEquals("hall", after.json().getJsonObject("ticket").getString("stage"),
          "capacities restored (a zero hall capacity would leave everyone outside): " + after.body());

      health = city.get("/health");
      assertEquals(200, health.status(), health.body());
      JsonObject r = health.json().getJsonObject("checks").getJsonObject("redis");
      assertTrue(r.containsKey("lastDataLoss"), "/health says when the data was lost: " + health.body());

      // the flow works after: through the door and to a desk, with restored timings (no instant no-show)
      String door = city.login("door", "1357");
      String desk = city.login("desk", "1234");
      ok(scan(city, door, number), "door scan after the restore");
      ok(next(city, desk, "desk-1"), "desk next after the restore");
      assertEquals(String.valueOf(city.config.flow().leaseSec()),
          String.valueOf(city.redis(io.vertx.redis.client.Command.HGET, "vf:{pudong}:settings", "cfg.leaseSec")),
          "the lease restored: a desk keeps its patient");
    } finally {
      if (emptied != null) emptied.stop();
      redis.stop();
      TestCity.deleteTree(dir);
      TestCity.deleteTree(emptyDir);
    }
  }

  @Test
  void underLoadNoNumberIsIssuedTwice() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-empty-load");
    Path emptyDir = Files.createTempDirectory("vaxflow-empty-load-2");
    RedisLauncher redis = RedisLauncher.start(dir);
    RedisLauncher emptied = null;
    try (TestCity city = TestCity.on(redis, Map.of(
        "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000", "VAXFLOW_REDIS_TIMEOUTMS", "1000"))) {
      List<String> acknowledged = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> kiosks = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        Thread t = new Thread(() -> {
          while (!stop.get() && acknowledged.size() < 20_000) {
            try {
              Reply r = city.post(API + "/checkins", walkIn());
              if (r.status() == 201) acknowledged.add(r.json().getJsonObject("ticket").getString("number"));
            } catch (RuntimeException e) {
              // a request cut by the restart: not acknowledged
            }
          }
        }, "kiosk-" + k);
        t.start();
        kiosks.add(t);
      }
      FlowKit.await("check-ins before the loss", 30_000, () -> acknowledged.size() >= 200);
      int before = acknowledged.size();
      redis.stop();
      emptied = RedisLauncher.start(emptyDir, redis.port());
      int atRestart = acknowledged.size();
      FlowKit.await("check-ins after the loss", 30_000, () -> acknowledged.size() >= atRestart + 200);
      stop.set(true);
      for (Thread t : kiosks) t.join(10_000);

      List<String> twice = FlowKit.issuedTwice(acknowledged);
      System.out.printf("EmptyRedisTest: %d check-ins acknowledged (%d before Redis was emptied), %d numbers issued twice%n",
          acknowledged.size(), before, twice.size());
      assertEquals(List.of(), twice, "numbers acknowledged twice");
      Reply health = city.get("/health");
      assertEquals(200, health.status(), health.body());
    } finally {
      if (emptied != null) emptied.stop();
      redis.stop();
      TestCity.deleteTree(dir);
      TestCity.deleteTree(emptyDir);
    }
  }

  private static JsonObject walkIn() {
    return new JsonObject().put("walkIn", new JsonObject().put("name", "Sun Li").put("idNumber", id()).put("dose", 1));
  }

  private static String id() {
    int n = ID.incrementAndGet();
    return FlowKit.idNumber(90 + n / 10_000, n % 10_000);
  }
}
