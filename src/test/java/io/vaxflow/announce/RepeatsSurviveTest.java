package io.vaxflow.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaxflow.store.EventStream;
import io.vaxflow.store.RedisLauncher;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.TestCity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 item 10: a call's repeats are state in Redis. Said 1/3, its server stops: 2/3 and 3/3
 * still come, from the restarted server or from the other instance, each exactly once.
 */
class RepeatsSurviveTest {

  private static final String SITE = "pudong";
  private static final Map<String, String> SLOW = Map.of("VAXFLOW_ANNOUNCE_INTERVALSEC", "6", "VAXFLOW_ANNOUNCE_REPEATS", "3");
  private static RedisLauncher redis;
  /** The test's own client side: it outlives the servers it talks to. */
  private static Vertx clients;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisLauncher.start(Files.createTempDirectory("vaxflow-repeats"));
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (clients != null) clients.close().await();
    if (redis != null) {
      redis.stop();
      TestCity.deleteTree(redis.dataDir());
    }
  }

  @Test
  void repeatsContinueOnTheRestartedServer() throws Exception {
    TestCity first = TestCity.on(redis, SLOW);
    String number;
    JsonObject said;
    try (BridgeClient before = new BridgeClient(clients, first.port(), null)) {
      before.register(Addresses.calls(SITE));
      Thread.sleep(300);
      number = first.walkIn(SITE, "Lu Fang", "310101198001019001").getString("number");
      BridgeClient.await("1/3 of the room call", 5, () -> !roomCalls(before, number).isEmpty());
      said = roomCalls(before, number).get(0);
      assertEquals(1, said.getInteger("repeat"));
    } finally {
      first.stopServer();
    }
    TestCity restarted = TestCity.on(redis, SLOW);
    try (BridgeClient after = new BridgeClient(clients, restarted.port(), null)) {
      after.register(Addresses.calls(SITE));
      BridgeClient.await("2/3 and 3/3 from the restarted server", 40, () -> roomCalls(after, number).size() >= 2);
      Thread.sleep(1_000);
      assertSaidOnceEach(roomCalls(after, number), said);
      assertEquals(List.of("2", "3"), sayEvents(said.getString("callId")));
    } finally {
      restarted.stopServer();
    }
  }

  @Test
  void repeatsContinueOnTheOtherInstanceWhenOneStops() throws Exception {
    TestCity one = TestCity.on(redis, SLOW);
    TestCity other = TestCity.on(redis, SLOW);
    try (BridgeClient here = new BridgeClient(clients, one.port(), null);
         BridgeClient there = new BridgeClient(clients, other.port(), null)) {
      here.register(Addresses.calls(SITE));
      there.register(Addresses.calls(SITE));
      Thread.sleep(300);
      String number = one.walkIn(SITE, "Gu Ming", "310101198001019002").getString("number");
      BridgeClient.await("1/3 on both instances", 5,
          () -> !roomCalls(here, number).isEmpty() && !roomCalls(there, number).isEmpty());
      JsonObject said = roomCalls(there, number).get(0);
      one.stopServer();
      BridgeClient.await("2/3 and 3/3 on the other instance", 40, () -> roomCalls(there, number).size() >= 3);
      Thread.sleep(1_000);
      List<JsonObject> all = roomCalls(there, number);
      assertEquals(List.of(1, 2, 3), all.stream().map(c -> c.getInteger("repeat")).toList(), "each saying once: " + all);
      assertSaidOnceEach(all.subList(1, 3), said);
      assertEquals(List.of("2", "3"), sayEvents(said.getString("callId")));
    } finally {
      other.stopServer();
    }
  }

  /** Sayings 2 and 3 of the call, once each, in the message format of the first. */
  private static void assertSaidOnceEach(List<JsonObject> sayings, JsonObject first) {
    assertEquals(List.of(2, 3), sayings.stream().map(c -> c.getInteger("repeat")).toList(), "sayings: " + sayings);
    for (JsonObject s : sayings) {
      for (String same : List.of("callId", "eventId", "number", "at", "of", "to", "text")) {
        assertEquals(first.getValue(same), s.getValue(same), same + " of saying " + s.getInteger("repeat"));
      }
    }
  }

  private static List<JsonObject> roomCalls(BridgeClient client, String number) {
    return client.received(Addresses.calls(SITE)).stream()
        .filter(c -> number.equals(c.getString("number")) && "room".equals(c.getJsonObject("to").getString("kind")))
        .toList();
  }

  /** The 'say' events of a call in the site's stream: which repeats were claimed (each once). */
  private static List<String> sayEvents(String callId) {
    try (var probe = new RedisProbe()) {
      Response r = probe.send(Command.XRANGE, SiteKeys.events(SITE), callId, "+");
      return r.stream().map(EventStream::entry)
          .filter(e -> "say".equals(e.get("type")) && callId.equals(e.get("callId"))).map(e -> e.get("repeat")).sorted().toList();
    }
  }

  /** A plain Redis connection of the test's own. */
  private static final class RedisProbe implements AutoCloseable {
    private final io.vertx.redis.client.Redis client = io.vertx.redis.client.Redis.createClient(clients, redis.url());

    Response send(Command cmd, String... args) {
      io.vertx.redis.client.Request req = io.vertx.redis.client.Request.cmd(cmd);
      for (String a : args) req.arg(a);
      return client.send(req).await();
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
