package io.vaxflow.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.ServerLog;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, attack 11: Redis at {@code maxmemory} with {@code noeviction} answered every write with OOM: the writes
 * answered 503, but {@code /health} said UP and the log got 27,000 warnings in 15 s. Now {@code /health} is DEGRADED
 * (503) with the reason, each failing write still answers 503 UNAVAILABLE with Retry-After, and the log has one line
 * for the problem however many requests it fails within the minute. The same for a Redis that became a read-only
 * replica (a demoted master: REPLICAOF a master that is not there, so it keeps its data and refuses writes).
 */
class RedisFullTest {

  private static final String API = "/api/v1/sites/pudong";
  private static final int REQUESTS = 300;
  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of()));

  @Test
  void aFullRedisIsReportedAndLoggedOnce() {
    refusedWrites("OOM", () -> city.redis(Command.CONFIG, "SET", "maxmemory", "1"),
        () -> city.redis(Command.CONFIG, "SET", "maxmemory", "0"));
  }

  @Test
  void aReadOnlyRedisIsReportedAndLoggedOnce() throws Exception {
    int nobody;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nobody = s.getLocalPort(); // closed again: the master it is told to follow never answers
    }
    int master = nobody;
    refusedWrites("READONLY", () -> city.redis(Command.REPLICAOF, "127.0.0.1", master),
        () -> city.redis(Command.REPLICAOF, "NO", "ONE"));
  }

  /** {@code refuse} makes Redis refuse writes with {@code reason}; {@code restore} undoes it. */
  private static void refusedWrites(String reason, Runnable refuse, Runnable restore) {
    assertEquals(201, checkIn().status(), "check-in works before");
    try (ServerLog log = ServerLog.capture()) {
      refuse.run();
      int refused = 0;
      for (int i = 0; i < REQUESTS; i++) {
        Reply r = checkIn();
        if (r.status() == 503) {
          refused++;
          assertEquals("UNAVAILABLE", r.errorCode(), r.body());
          assertEquals("2", r.headers().get("Retry-After"), "the kiosk is told when to try again");
        }
      }
      assertEquals(REQUESTS, refused, "every check-in refused while Redis refuses writes");
      Reply health = city.get("/health");
      assertEquals(503, health.status(), health.body());
      assertEquals("DEGRADED", health.json().getString("status"), health.body());
      JsonObject redis = health.json().getJsonObject("checks").getJsonObject("redis");
      assertEquals("DEGRADED", redis.getString("status"), health.body());
      assertEquals(reason, redis.getString("refusing"), health.body());
      assertTrue(redis.getString("reason").contains(reason), health.body());

      long lines = log.lines("(" + reason);
      System.out.printf("RedisFullTest: %s: %d check-ins refused, %d log line(s) about it%n", reason, refused, lines);
      assertEquals(1, lines, "one line for the problem, not one per request:\n" + log.text());

      restore.run();
      FlowKit.await("Redis to take writes again", 10_000, () -> city.get("/health").status() == 200);
      assertEquals(201, checkIn().status(), "check-in works again");
    } finally {
      restore.run();
    }
  }

  private static Reply checkIn() {
    return city.post(API + "/checkins", new JsonObject().put("walkIn", new JsonObject().put("name", "Lin Tao")
        .put("idNumber", FlowKit.idNumber(97, (int) (System.nanoTime() % 10_000))).put("dose", 1)));
  }
}
