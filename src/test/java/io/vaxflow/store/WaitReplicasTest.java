package io.vaxflow.store;

import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.RedisProcesses.Node;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code REDIS_WAIT_REPLICAS=1}: a check-in no replica confirmed is not acknowledged (503, not a
 * hang); the client's retry with the same Idempotency-Key, once the replica is back, gets the
 * ticket the first attempt made.
 */
class WaitReplicasTest {

  private static final String CHECKINS = "/api/v1/sites/pudong/checkins";

  @Test
  void aWriteNoReplicaConfirmedIsAnsweredWith503AndItsRetryReplaysIt() {
    try (RedisProcesses redis = RedisProcesses.start()) {
      Node master = redis.server("master");
      Node replica = redis.server("replica", "--replicaof", "127.0.0.1", String.valueOf(master.port()));
      assertTrue(RedisProcesses.await(20_000, () -> RedisProcesses.cli(master.port(), "INFO", "replication")
          .contains("connected_slaves:1")), "replica attached");
      try (TestCity city = TestCity.onDeployment(Map.of("REDIS_URL", master.url(), "REDIS_WAIT_REPLICAS", "1",
          "VAXFLOW_REDIS_TIMEOUTMS", "1000"))) {
        Reply first = checkIn(city, "wait-replicas-1", "Wait Aa", Ids.resident(78, 14));
        assertEquals(201, first.status(), first.body());

        replica.signal("STOP");
        Reply unconfirmed;
        long started = System.currentTimeMillis();
        try {
          unconfirmed = checkIn(city, "wait-replicas-2", "Wait Bb", Ids.resident(78, 22));
        } finally {
          replica.signal("CONT");
        }
        long tookMs = System.currentTimeMillis() - started;
        assertEquals(503, unconfirmed.status(), unconfirmed.body());
        assertEquals("UNAVAILABLE", unconfirmed.errorCode());
        assertTrue(tookMs < 5_000, "answered in " + tookMs + " ms");

        // the master did write it: the retry replays that ticket (200), the next number after the first
        Reply retry = checkIn(city, "wait-replicas-2", "Wait Bb", Ids.resident(78, 22));
        assertEquals(200, retry.status(), retry.body());
        String n1 = first.json().getJsonObject("ticket").getString("number");
        String n2 = retry.json().getJsonObject("ticket").getString("number");
        assertEquals(Integer.parseInt(n1.substring(1)) + 1, Integer.parseInt(n2.substring(1)), n1 + " then " + n2);
        System.out.println("WaitReplicasTest: unconfirmed check-in answered 503 in " + tookMs + " ms");
      }
    }
  }

  private static Reply checkIn(TestCity city, String key, String name, String idNumber) {
    JsonObject body = new JsonObject().put("walkIn", new JsonObject().put("name", name).put("idNumber", idNumber).put("dose", 1));
    return city.send(HttpMethod.POST, CHECKINS, null, Map.of("Idempotency-Key", key), body.toBuffer());
  }
}
