package io.vaxflow.flow;

import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.act;
import static io.vaxflow.support.FlowKit.assertStraight;
import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.next;
import static io.vaxflow.support.FlowKit.ok;
import static io.vaxflow.support.FlowKit.scan;
import static io.vaxflow.support.FlowKit.state;
import static io.vaxflow.support.FlowKit.ticket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.RedisLauncher;
import io.vaxflow.support.TestCity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server of this release started on a Redis written by the previous one (whose scripts are kept
 * in src/test/resources/previous-release) in the middle of a day, with tickets in every stage,
 * carries the day on: every ticket answers as before, the stations keep their patients, the
 * counts hold, numbering goes on, and the flow continues.
 */
class CompatibilityTest {

  private static final String PREFIX = "vf:{" + SITE + "}";
  private static final long NOW = Instant.parse(TestCity.MORNING).toEpochMilli();

  /** The previous release's scripts, run the way its Scripts class ran them (lib.lua prepended). */
  private static final class PreviousRelease implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final Redis redis;
    private final String lib = resource("lib");
    private long clock = NOW;

    PreviousRelease(String url) {
      redis = Redis.createClient(vertx, url);
      // what its SiteFlow.publishSettings wrote at start
      send(Request.cmd(Command.HSET).arg(PREFIX + ":settings").arg("cfg.hallCapacity").arg(6).arg("cfg.roomCapacity").arg(3)
          .arg("cfg.arrivalTimeoutSec").arg(3600).arg("cfg.leaseSec").arg(3600).arg("cfg.observationSec").arg(1800)
          .arg("cfg.priorityInARow").arg(2));
    }

    JsonObject run(String script, String actor, String... args) {
      Request req = Request.cmd(Command.EVAL).arg(lib + "\n" + resource(script)).arg(1).arg(PREFIX)
          .arg(clock += 50).arg(TestCity.TODAY).arg(actor);
      for (String a : args) req.arg(a);
      JsonObject reply = new JsonObject(send(req));
      if (reply.containsKey("err")) throw new AssertionError(script + " " + List.of(args) + ": " + reply.encode());
      return reply;
    }

    String walkIn(int i) {
      return run("checkin", "kiosk", "walkin", "", "", FlowKit.name("Old", i), FlowKit.idNumber(60, i), "1", "3600000",
          "0", "0", "0", "0", "", "", "").getJsonObject("ticket").getString("number");
    }

    private String send(Request req) {
      return String.valueOf(redis.send(req).await());
    }

    private static String resource(String name) {
      try (InputStream in = CompatibilityTest.class.getResourceAsStream("/previous-release/lua/" + name + ".lua")) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      redis.close();
      vertx.close().await();
    }
  }

  @Test
  void aDayInProgressWrittenByThePreviousReleaseGoesOn() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-compat");
    RedisLauncher redis = RedisLauncher.start(dir);
    try {
      List<String> numbers = new ArrayList<>();
      try (PreviousRelease old = new PreviousRelease(redis.url())) {
        for (int i = 0; i < 12; i++) numbers.add(old.walkIn(i));
        // W001..W003 called to the room (room capacity 3); through the door
        for (String n : numbers.subList(0, 3)) old.run("door_scan", "door", n);
        old.run("call_next", "desk", "desk-1");
        old.run("done", "desk", "desk-1"); // W001 waits for a booth
        old.run("call_next", "booth", "booth-1");
        old.run("start", "booth", "booth-1");
        old.run("done", "booth", "booth-1"); // W001 in observation
        old.run("call_next", "desk", "desk-1");
        old.run("done", "desk", "desk-1"); // W002 waits for a booth
        old.run("call_next", "booth", "booth-2"); // W002 called to booth-2
        old.run("call_next", "desk", "desk-2");
        old.run("start", "desk", "desk-2"); // W003 served at desk-2
        old.run("door_scan", "door", "W004"); // W004 in the room
      }
      assertEquals(0L, redis(redis, "EXISTS", PREFIX + ":now"), "written by the previous release: no site-wide keys");
      assertEquals(1L, redis(redis, "EXISTS", PREFIX + ":q:" + TestCity.TODAY + ":outside:r"), "its queues are the day's");

      try (TestCity city = TestCity.on(redis, Map.of(
          "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "6", "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "3"))) {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("W001", "observation/waiting");
        expected.put("W002", "booth/called");
        expected.put("W003", "desk/serving");
        expected.put("W004", "room/waiting");
        for (var e : expected.entrySet()) {
          JsonObject t = ticket(city, e.getKey());
          assertEquals(e.getValue(), t.getString("stage") + "/" + t.getString("state"), e.getKey() + ": " + t.encode());
        }
        JsonObject c = state(city).getJsonObject("counts");
        assertEquals(12, c.getInteger("issued"), c.encode());
        assertEquals(1, c.getInteger("desk"), c.encode());
        assertEquals(1, c.getInteger("booth"), c.encode());
        assertEquals(1, c.getInteger("observation"), c.encode());
        assertTrue(c.getInteger("outside") > 0, "people outside: " + c.encode());
        // the previous release's books: every ticket counted once, the room (seated or called) within capacity
        int sum = 0;
        for (String k : List.of("outside", "hall", "room", "desk", "vaccination", "booth", "observation", "released", "noShow")) {
          sum += c.getInteger(k);
        }
        assertEquals(12, sum, c.encode());
        assertTrue(c.getInteger("room") + c.getInteger("calledToRoom") <= 3, c.encode());

        // the flow goes on where the previous release left it
        String door = city.login("door", "1357");
        String desk = city.login("desk", "1234");
        String booth = city.login("booth", "4321");
        expectError(next(city, desk, "desk-2"), 409, "STATION_BUSY", "desk-2 still serves W003");
        ok(act(city, desk, "desk-2", "done"), "desk-2 done");
        city.openVial(FlowKit.SITE, booth, "booth-2");
        ok(act(city, booth, "booth-2", "start"), "booth-2 start");
        ok(act(city, booth, "booth-2", "done"), "booth-2 done");
        JsonObject atDesk = ok(next(city, desk, "desk-1"), "desk-1 next");
        assertEquals("W004", atDesk.getJsonObject("ticket").getString("number"), "the room's queue carried over");
        for (String n : numbers) {
          JsonObject t = ticket(city, n);
          if ("hall".equals(t.getString("stage")) && "called".equals(t.getString("state"))) ok(scan(city, door, n), "scan " + n);
        }
        assertStraight(state(city), "after the flow went on");
        JsonObject fresh = city.walkIn(SITE, "New Release", FlowKit.idNumber(61, 1));
        assertEquals("W013", fresh.getString("number"), "numbering goes on");
        assertFalse(numbers.contains(fresh.getString("number")));
        assertEquals("outside", fresh.getString("stage"), "the hall is full, as it was: " + fresh.encode());
      }
    } finally {
      redis.stop();
      TestCity.deleteTree(dir);
    }
  }

  private static long redis(RedisLauncher redis, String cmd, String key) {
    Vertx vertx = Vertx.vertx();
    try {
      Redis client = Redis.createClient(vertx, redis.url());
      long v = client.send(Request.cmd(Command.create(cmd)).arg(key)).await().toLong();
      client.close();
      return v;
    } finally {
      vertx.close().await();
    }
  }
}
