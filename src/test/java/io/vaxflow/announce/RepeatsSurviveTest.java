package io.vaxflow.announce;

import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.EventStream;
import io.vaxflow.store.RedisLauncher;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 7 item 10: a call's repeats are state in Redis. Said 1/3, its server stops: 2/3 and 3/3
 * still come, from the restarted server or from the other instance, each exactly once.
 *
 * <p>The servers run on a simulated clock: a saying comes due only when the test moves the clock,
 * so the first server stops before its second saying whatever the machine's speed, and the test's
 * display is listening on the next server before the clock moves.
 */
@ExtendWith(VertxExtension.class)
class RepeatsSurviveTest {

  private static final String CALLS = Addresses.calls(SITE);
  private static final Map<String, String> REPEATS = Map.of("VAXFLOW_ANNOUNCE_INTERVALSEC", "1", "VAXFLOW_ANNOUNCE_REPEATS", "3");
  /** Past both later sayings of a call made at the clock's time. */
  private static final Duration BOTH_LATER_SAYINGS = Duration.ofSeconds(2);
  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  private static RedisLauncher redis;
  /** The test's own client side (the extension's Vert.x for the class): it outlives the servers it talks to. */
  private static Vertx clients;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    redis = RedisLauncher.start(Files.createTempDirectory("vaxflow-repeats"));
    clients = vertx;
  }

  @BeforeEach
  void fresh() {
    CLOCK.set(TestCity.MORNING);
    redis(Command.FLUSHALL);
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.stop();
      TestCity.deleteTree(redis.dataDir());
    }
  }

  @Test
  void repeatsContinueOnTheRestartedServer(VertxTestContext test) throws Throwable {
    TestCity first = TestCity.on(redis, CLOCK, REPEATS);
    String number;
    JsonObject said;
    try (BridgeClient before = new BridgeClient(clients, first.port(), null)) {
      before.register(CALLS);
      number = first.walkIn(SITE, "Lu Fang", "310101198001019012").getString("number");
      said = BridgeClient.within(5, before.heard(CALLS, c -> isRoomCall(c, number)), "1/3 of the room call");
      assertEquals(1, said.getInteger("repeat"));
    } finally {
      first.stopServer();
    }
    TestCity restarted = TestCity.on(redis, CLOCK, REPEATS);
    try (BridgeClient after = new BridgeClient(clients, restarted.port(), null)) {
      after.register(CALLS);
      flagRoomCalls(after, number, test.checkpoint(2));
      CLOCK.advance(BOTH_LATER_SAYINGS);
      awaitAll(test, 10, "2/3 and 3/3 from the restarted server");
      assertNothingMoreAfter(restarted, after, number);
      assertSaidOnceEach(roomCalls(after, number), said);
      assertEquals(List.of("2", "3"), sayEvents(said.getString("callId")));
    } finally {
      restarted.stopServer();
    }
  }

  @Test
  void repeatsContinueOnTheOtherInstanceWhenOneStops(VertxTestContext test) throws Throwable {
    TestCity one = TestCity.on(redis, CLOCK, REPEATS);
    TestCity other = TestCity.on(redis, CLOCK, REPEATS);
    try (BridgeClient here = new BridgeClient(clients, one.port(), null);
         BridgeClient there = new BridgeClient(clients, other.port(), null)) {
      here.register(CALLS);
      there.register(CALLS);
      String number = one.walkIn(SITE, "Gu Ming", "310101198001019020").getString("number");
      BridgeClient.within(5, Future.all(here.heard(CALLS, c -> isRoomCall(c, number)), there.heard(CALLS, c -> isRoomCall(c, number))),
          "1/3 on both instances");
      JsonObject said = roomCalls(there, number).get(0);
      one.stopServer();
      flagRoomCalls(there, number, test.checkpoint(3));
      CLOCK.advance(BOTH_LATER_SAYINGS);
      awaitAll(test, 10, "2/3 and 3/3 on the other instance");
      assertNothingMoreAfter(other, there, number);
      List<JsonObject> all = roomCalls(there, number);
      assertEquals(List.of(1, 2, 3), all.stream().map(c -> c.getInteger("repeat")).toList(), "each saying once: " + all);
      assertSaidOnceEach(all.subList(1, 3), said);
      assertEquals(List.of("2", "3"), sayEvents(said.getString("callId")));
    } finally {
      other.stopServer();
    }
  }

  private static void awaitAll(VertxTestContext test, int seconds, String what) throws Throwable {
    assertTrue(test.awaitCompletion(seconds, TimeUnit.SECONDS), "timed out waiting for " + what);
    if (test.failed()) throw test.causeOfFailure();
  }

  /**
   * A saying said twice would come from the event stream, which every server reads in order: once
   * a call made after the sayings has reached the display, nothing of the earlier call can follow.
   */
  private static void assertNothingMoreAfter(TestCity server, BridgeClient display, String number) {
    int heard = roomCalls(display, number).size();
    String later = server.walkIn(SITE, "Ren Jie", "310101198001019039").getString("number");
    BridgeClient.within(5, display.heard(CALLS, c -> isRoomCall(c, later)), "a later call on the display");
    assertEquals(heard, roomCalls(display, number).size(), "sayings after the last: " + roomCalls(display, number));
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

  /** Each room call of {@code number} the display hears (those heard already too) flags {@code sayings}. */
  private static void flagRoomCalls(BridgeClient display, String number, Checkpoint sayings) {
    display.on(CALLS, c -> {
      if (isRoomCall(c, number)) sayings.flag();
    });
  }

  private static boolean isRoomCall(JsonObject c, String number) {
    return number.equals(c.getString("number")) && "room".equals(c.getJsonObject("to").getString("kind"));
  }

  private static List<JsonObject> roomCalls(BridgeClient client, String number) {
    return client.received(CALLS).stream().filter(c -> isRoomCall(c, number)).toList();
  }

  /** The 'say' events of a call in the site's stream: which repeats were claimed (each once). */
  private static List<String> sayEvents(String callId) {
    Response r = redis(Command.XRANGE, SiteKeys.Site.EVENTS.of(SITE), callId, "+");
    return r.stream().map(EventStream::entry)
        .filter(e -> "say".equals(e.get("type")) && callId.equals(e.get("callId"))).map(e -> e.get("repeat")).sorted().toList();
  }

  /** A command on a plain Redis connection of the test's own. */
  private static Response redis(Command cmd, String... args) {
    io.vertx.redis.client.Redis client = io.vertx.redis.client.Redis.createClient(clients, redis.url());
    try {
      io.vertx.redis.client.Request req = io.vertx.redis.client.Request.cmd(cmd);
      for (String a : args) req.arg(a);
      return client.send(req).await();
    } finally {
      client.close();
    }
  }
}
