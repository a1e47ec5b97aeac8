package io.vaxflow.store;

import io.vaxflow.support.Ids;
import io.vaxflow.announce.Addresses;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.RedisProcesses.Node;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Sentinel (a master, two replicas, three sentinels on loopback): the master is killed with
 * {@code kill -9} under check-in load with {@code REDIS_WAIT_REPLICAS=1}. Every acknowledged
 * check-in is on the promoted master, no number is issued twice, and check-ins are taken again
 * within 10 s of the failover. Two replicas, so that the promoted one still has a replica to
 * confirm writes (with one, every write after the failover would wait for a replica that is gone).
 */
class SentinelTest {

  private static final String MASTER = "vfmaster";
  private static final int WORKERS = 6;

  /** One check-in: its idempotency key, and once acknowledged, its number and when. */
  private record Ack(String key, String number, long atMs) {}

  @Test
  void masterKilledUnderCheckInLoadLosesNoAcknowledgedCheckIn() throws Exception {
    try (RedisProcesses redis = RedisProcesses.start()) {
      Node master = redis.server("master");
      Node replica1 = redis.server("replica1", "--replicaof", "127.0.0.1", String.valueOf(master.port()));
      Node replica2 = redis.server("replica2", "--replicaof", "127.0.0.1", String.valueOf(master.port()));
      assertTrue(RedisProcesses.await(20_000, () -> RedisProcesses.cli(master.port(), "INFO", "replication")
          .contains("connected_slaves:2")), "replicas attached");
      List<Node> sentinels = new ArrayList<>();
      for (int i = 1; i <= 3; i++) sentinels.add(redis.sentinel("sentinel" + i, MASTER, master));
      for (Node s : sentinels) {
        assertTrue(RedisProcesses.await(30_000, () -> RedisProcesses.cli(s.port(), "SENTINEL", "CKQUORUM", MASTER)
                .startsWith("OK 3") && RedisProcesses.cli(s.port(), "SENTINEL", "REPLICAS", MASTER).contains("slave")),
            "sentinel " + s.port() + " sees the others and the replicas: " + RedisProcesses.cli(s.port(), "SENTINEL", "CKQUORUM", MASTER));
      }

      Map<String, String> env = new HashMap<>();
      env.put("REDIS_TYPE", "sentinel");
      env.put("REDIS_URL", String.join(",", sentinels.stream().map(Node::url).toList()));
      env.put("REDIS_MASTER", MASTER);
      env.put("REDIS_WAIT_REPLICAS", "1");
      env.put("VAXFLOW_REDIS_TIMEOUTMS", "2000");
      try (TestCity city = TestCity.onDeployment(env)) {
        Map<String, Ack> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong lastAckMs = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          Thread worker = new Thread(() -> {
            while (!stop.get()) {
              int i = next.getAndIncrement();
              String key = "sentinel-" + i;
              JsonObject body = new JsonObject().put("walkIn", new JsonObject()
                  .put("name", "Load " + Integer.toString(i, 26).chars().mapToObj(c -> String.valueOf((char) ('a' + Character.digit(c, 26)))).reduce("", String::concat))
                  .put("idNumber", Ids.resident(77, i)).put("dose", 1));
              // the same key until it is acknowledged (a client retrying after a 503 or a timeout)
              while (!stop.get()) {
                Reply r;
                try {
                  r = city.send(HttpMethod.POST, "/api/v1/sites/" + SITE + "/checkins", null,
                      Map.of("Idempotency-Key", key), body.toBuffer());
                } catch (RuntimeException e) {
                  refused.incrementAndGet();
                  continue;
                }
                // 201, or 200 when a retry finds the check-in its earlier attempt made (a replay)
                if (r.status() == 201 || r.status() == 200) {
                  long now = System.currentTimeMillis();
                  acked.put(key, new Ack(key, r.json().getJsonObject("ticket").getString("number"), now));
                  lastAckMs.accumulateAndGet(now, Math::max);
                  break;
                }
                if (r.status() != 503) unexpected.add(r.status() + " " + r.body());
                refused.incrementAndGet();
                sleep(50);
              }
            }
          }, "checkin-" + w);
          worker.start();
          workers.add(worker);
        }

        assertTrue(RedisProcesses.await(30_000, () -> acked.size() >= 150), "load running: " + acked.size());
        int ackedBeforeKill = acked.size();
        long killedAt = System.currentTimeMillis();
        master.kill();

        // The sentinels promote a replica.
        long[] switchedAt = {0};
        int[] newPort = {0};
        assertTrue(RedisProcesses.await(30_000, () -> {
          String addr = RedisProcesses.cli(sentinels.get(0).port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
          String[] f = addr.split("\n");
          if (f.length == 2 && !f[1].strip().equals(String.valueOf(master.port()))) {
            newPort[0] = Integer.parseInt(f[1].strip());
            switchedAt[0] = System.currentTimeMillis();
            return true;
          }
          return false;
        }), "no failover");

        // Service back: check-ins acknowledged again within 10 s of the failover.
        assertTrue(RedisProcesses.await(10_000, () -> lastAckMs.get() > switchedAt[0]),
            "no check-in acknowledged within 10 s of the failover");
        long backAt = lastAckMs.get();
        int ackedAtBack = acked.size();
        RedisProcesses.await(30_000, () -> acked.size() >= ackedAtBack + 100);
        stop.set(true);
        for (Thread t : workers) t.join(30_000);

        // The stream tail followed the failover: a check-in now still reaches the displays' state feed.
        List<JsonObject> states = java.util.Collections.synchronizedList(new ArrayList<>());
        var consumer = city.vertx.eventBus().<JsonObject>consumer(io.vaxflow.announce.Addresses.state(SITE), m -> states.add(m.body()));
        JsonObject lateBody = new JsonObject().put("walkIn", new JsonObject()
            .put("name", "After Failover").put("idNumber", Ids.resident(77, 999_999)).put("dose", 1));
        Reply[] late = {null};
        // a client retries a 503 with the same key (a replica may still be resyncing)
        RedisProcesses.await(10_000, () -> {
          late[0] = city.send(HttpMethod.POST, "/api/v1/sites/" + SITE + "/checkins", null,
              Map.of("Idempotency-Key", "sentinel-late"), lateBody.toBuffer());
          return late[0].status() == 201 || late[0].status() == 200;
        });
        assertTrue(late[0].status() == 201 || late[0].status() == 200, late[0].body());
        // a state that counts it (one published before it counts fewer)
        long issued = city.get("/api/v1/sites/" + SITE + "/state").json().getJsonObject("counts").getLong("issued");
        assertTrue(RedisProcesses.await(10_000, () -> states.stream().anyMatch(st -> st.getJsonObject("counts").getLong("issued") >= issued)),
            "no state counting the failover's check-in (" + issued + " issued) published after it");
        consumer.unregister();

        // Every acknowledged number is a ticket on the promoted master; no number was given twice.
        Redis promoted = Redis.createClient(city.vertx, "redis://127.0.0.1:" + newPort[0]);
        try {
          List<String> missing = new ArrayList<>();
          Map<String, String> byNumber = new HashMap<>();
          List<String> twice = new ArrayList<>();
          for (Ack a : acked.values()) {
            String other = byNumber.put(a.number(), a.key());
            if (other != null) twice.add(a.number() + " (" + other + ", " + a.key() + ")");
            String day = String.valueOf(promoted.send(Request.cmd(Command.HGET).arg(SiteKeys.prefix(SITE) + ":live").arg(a.number())).await());
            long exists = promoted.send(Request.cmd(Command.EXISTS).arg(SiteKeys.Site.TICKET.of(SITE, day, a.number()))).await().toLong();
            if (exists != 1) missing.add(a.number());
          }
          String figures = String.format(
              "acknowledged %d (%d before the kill), refused/retried %d; kill -> failover %d ms, failover -> first 201 %d ms",
              acked.size(), ackedBeforeKill, refused.get(), switchedAt[0] - killedAt, backAt - switchedAt[0]);
          System.out.println("SentinelTest: " + figures);
          assertEquals(List.of(), unexpected.stream().limit(5).toList(), "answers other than 201 or 503");
          assertEquals(List.of(), missing, "acknowledged check-ins lost: " + figures);
          assertEquals(List.of(), twice, "numbers issued twice: " + figures);
          assertTrue(acked.size() > ackedAtBack, figures);
        } finally {
          promoted.close();
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
