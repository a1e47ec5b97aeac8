package io.vaxflow.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.gateway.Sessions;
import io.vaxflow.support.StaffCookies;
import io.vaxflow.support.TestCity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Calls pushed over the SockJS bridge: repeated, stopped when acted on, guarded, across instances.
 * Two instances on one Redis, fresh for each test; the test's bridge clients run on the Vert.x the
 * extension gives each test, and what they must hear is counted with the test context's
 * checkpoints. A thing that must not come is checked once something that would have come after it
 * has.
 */
@ExtendWith(VertxExtension.class)
class LiveCallsTest {

  static TestCity city;
  static TestCity second;
  static final Map<String, String> FAST = Map.of("VAXFLOW_ANNOUNCE_INTERVALSEC", "1", "VAXFLOW_ANNOUNCE_REPEATS", "3");
  static final String CALLS = Addresses.calls("pudong");
  static final String STAFF = Addresses.staff("pudong");

  @BeforeAll
  static void start() {
    city = TestCity.start(FAST);
  }

  @BeforeEach
  void fresh() {
    if (second != null) second.stopServer();
    city = city.reset();
    second = TestCity.on(city.redis, FAST);
  }

  @AfterAll
  static void stop() {
    if (second != null) second.stopServer();
    if (city != null) city.close();
  }

  /** Waits for the test context (its checkpoints), failing with its cause. */
  static void awaitAll(VertxTestContext test, int seconds) throws Throwable {
    assertTrue(test.awaitCompletion(seconds, TimeUnit.SECONDS), "checkpoints left: " + test.unsatisfiedCheckpointCallSites());
    if (test.failed()) throw test.causeOfFailure();
  }

  @Test
  void aCallIsSaidThreeTimesAndReachesDisplaysOnEveryInstance(Vertx vertx, VertxTestContext test) throws Throwable {
    try (BridgeClient here = new BridgeClient(vertx, city.port(), null);
         BridgeClient there = new BridgeClient(vertx, second.port(), null)) {
      here.register(CALLS);
      there.register(CALLS);
      String number = city.walkIn("pudong", "Zhou Min", "310101198001015556").getString("number");
      for (BridgeClient display : List.of(here, there)) {
        Checkpoint saying = test.checkpoint(3);
        display.on(CALLS, c -> test.verify(() -> {
          assertEquals(number, c.getString("number"), "a call of this test's only ticket");
          saying.flag();
        }));
      }
      awaitAll(test, 10);

      List<JsonObject> mine = here.received(CALLS);
      assertEquals(List.of(1, 2, 3), mine.stream().map(c -> c.getInteger("repeat")).toList());
      JsonObject first = mine.get(0);
      assertEquals("room", first.getJsonObject("to").getString("kind"));
      assertEquals(3, first.getInteger("of"));
      assertTrue(first.getJsonObject("text").getString("en").contains(number));
      assertTrue(first.getJsonObject("text").getString("zh").contains(number));
      assertEquals(1, mine.stream().map(c -> c.getString("eventId")).distinct().count(), "repetitions share one event id");
      assertEquals(withoutSentAt(mine), withoutSentAt(there.received(CALLS)), "the other instance's display heard the same");
    }
  }

  /** The calls as said, but for when each instance sent them. */
  private static List<JsonObject> withoutSentAt(List<JsonObject> calls) {
    return calls.stream().map(c -> {
      JsonObject copy = c.copy();
      copy.remove("sentAt");
      return copy;
    }).toList();
  }

  /**
   * The desk call's next saying would come an interval after it; a room call made once the desk
   * has started is said at once and again an interval and two later. Sayings are claimed in the
   * order they come due and reach a display in that order: once the later call's third saying is
   * heard, a repeat of the desk call would have been heard before it.
   */
  @Test
  void repeatsStopOnceTheStationStarts(Vertx vertx, VertxTestContext test) throws Throwable {
    String desk = city.login("desk", "1234");
    String door = city.login("door", "1357");
    try (BridgeClient display = new BridgeClient(vertx, city.port(), null)) {
      display.register(CALLS);
      String number = city.walkIn("pudong", "Qian Li", "310101198001016663").getString("number");
      assertEquals(200, city.post("/api/v1/sites/pudong/door/scan", door, new JsonObject().put("number", number)).status());
      var r = city.post("/api/v1/sites/pudong/stations/desk-1/next", desk, null);
      assertEquals(200, r.status(), r.body());
      assertEquals(number, r.json().getJsonObject("ticket").getString("number"), "the only ticket in the room");
      BridgeClient.within(5, display.heard(CALLS, c -> isDeskCall(c, number)), "the desk call");
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-1/start", desk, null).status());

      String later = city.walkIn("pudong", "Hou Jun", "310101198001016671").getString("number");
      Checkpoint laterSaid = test.checkpoint(3);
      display.on(CALLS, c -> {
        if (later.equals(c.getString("number"))) laterSaid.flag();
      });
      awaitAll(test, 10);
      assertEquals(1, display.count(CALLS, c -> isDeskCall(c, number)), "no repeat after start: " + display.received(CALLS));
      city.post("/api/v1/sites/pudong/stations/desk-1/done", desk, null);
    }
  }

  /** The state of the station a .staff message is about. */
  private static String stateOf(JsonObject staffMessage) {
    return staffMessage.getJsonObject("station", new JsonObject()).getString("state");
  }

  private static boolean isDeskCall(JsonObject c, String number) {
    return number.equals(c.getString("number")) && "desk".equals(c.getJsonObject("to").getString("kind"));
  }

  @Test
  void anonymousClientsGetNothingFromStaffAndCanSendOnlyAcks(Vertx vertx) throws Throwable {
    try (BridgeClient anon = new BridgeClient(vertx, city.port(), null);
         BridgeClient desk = new BridgeClient(vertx, city.port(), city.login("desk", "1234"))) {
      anon.register(STAFF);
      desk.register(STAFF);
      // make a station change, and undo it: the tablet hears each
      String deskCookie = city.login("desk", "1234");
      Future<JsonObject> paused = desk.next(STAFF, m -> "paused".equals(stateOf(m)));
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-2/pause", deskCookie, null).status());
      BridgeClient.within(5, paused, "the pause on the logged-in tablet; its frames: " + desk.frames);
      Future<JsonObject> resumed = desk.next(STAFF, m -> "idle".equals(stateOf(m)));
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-2/resume", deskCookie, null).status());
      BridgeClient.within(5, resumed, "the resume on the logged-in tablet");
      assertTrue(anon.received(STAFF).isEmpty(), "anonymous received staff messages");
      assertFalse(anon.errors().isEmpty(), "the anonymous register was refused");

      // inbound: only acks are accepted
      anon.send(new JsonObject().put("type", "send").put("address", CALLS)
          .put("body", new JsonObject().put("number", "A999")));
      anon.send(new JsonObject().put("type", "publish").put("address", Addresses.state("pudong"))
          .put("body", new JsonObject()));
      anon.send(new JsonObject().put("type", "send").put("address", "vaxflow.internal")
          .put("body", new JsonObject()));
      BridgeClient.await("the three refusals", 5, () -> anon.errors().size() >= 4);
      int errorsBefore = anon.errors().size();
      anon.send(new JsonObject().put("type", "send").put("address", Addresses.ack("pudong"))
          .put("body", new JsonObject().put("callId", "1-0").put("repeat", 1).put("displayId", "hall-test")));
      anon.sync(); // the ack's refusal, if any, has come
      // the register is refused by the bridge's guard ("rejected"), the sends by its permissions ("access_denied")
      assertEquals("rejected", anon.errors().get(0).getString("body"));
      long denied = anon.errors().stream().filter(e -> "access_denied".equals(e.getString("body"))).count();
      assertEquals(3, denied, "refused: send to calls, publish to state, unknown address; got " + anon.errors());
      assertEquals(errorsBefore, anon.errors().size(), "the ack was accepted: " + anon.errors());
    }
  }

  /**
   * The bridge checks each message it pushes to a staff tablet against a remembered session; a logout
   * on the other instance reaches it over pub/sub. Afterwards the tablet hears nothing more, while a
   * tablet still logged in beside it hears the same change (so the silence is not for want of one).
   */
  @Test
  void aTabletLoggedOutOnTheOtherInstanceHearsNoMoreStationChanges(Vertx vertx) throws Throwable {
    String leaving = city.login("desk", "1234");
    String acting = city.login("desk", "1234");
    try (BridgeClient gone = new BridgeClient(vertx, second.port(), leaving);
         BridgeClient stays = new BridgeClient(vertx, second.port(), city.login("desk", "1234"))) {
      gone.register(STAFF);
      stays.register(STAFF);
      Future<JsonObject> goneHeard = gone.next(STAFF, m -> "paused".equals(stateOf(m)));
      Future<JsonObject> staysHeard = stays.next(STAFF, m -> "paused".equals(stateOf(m)));
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-3/pause", acting, null).status());
      BridgeClient.within(5, Future.all(goneHeard, staysHeard), "the change on both tablets");

      // the revocation travels over pub/sub to the other instance (the next action is refused at once:
      // SessionRevocationTest); the test hears the channel too, as the instances do
      String token = StaffCookies.session(leaving).orElseThrow();
      RedisConnection channel = Redis.createClient(vertx, city.redis.url()).connect().await();
      Promise<Void> revoked = Promise.promise();
      channel.handler(r -> {
        if (r.size() == 3 && "message".equals(r.get(0).toString()) && token.equals(r.get(2).toString())) revoked.tryComplete();
      });
      channel.send(Request.cmd(Command.SUBSCRIBE).arg(Sessions.REVOKED)).await();
      assertEquals(200, city.post("/api/v1/auth/logout", leaving, null).status());
      revoked.future().await(5, TimeUnit.SECONDS);
      channel.close();
      int heardBefore = gone.received(STAFF).size();
      Future<JsonObject> resumed = stays.next(STAFF, m -> "idle".equals(stateOf(m)));
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-3/resume", acting, null).status());
      BridgeClient.within(5, resumed, "the change on the tablet still logged in");
      // a delivery to the logged-out tablet waits on one Redis read of its session; a second change,
      // a round of requests, scripts and the announcer's snapshot later, comes long after it
      Future<JsonObject> later = stays.next(STAFF, m -> "paused".equals(stateOf(m)));
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-4/pause", acting, null).status());
      BridgeClient.within(5, later, "a second change on the tablet still logged in");
      assertEquals(heardBefore, gone.received(STAFF).size(), "the logged-out tablet heard: " + gone.received(STAFF));
    }
  }

}
