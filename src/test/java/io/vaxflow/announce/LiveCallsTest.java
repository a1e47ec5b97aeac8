package io.vaxflow.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Calls pushed over the SockJS bridge: repeated, stopped when acted on, guarded, across instances. */
class LiveCallsTest {

  static TestCity city;
  static TestCity second;
  static final Map<String, String> FAST = Map.of("VAXFLOW_ANNOUNCE_INTERVALSEC", "1", "VAXFLOW_ANNOUNCE_REPEATS", "3");

  @BeforeAll
  static void start() {
    city = TestCity.start(FAST);
    second = TestCity.on(city.redis, FAST);
  }

  @AfterAll
  static void stop() {
    if (second != null) second.stopServer();
    if (city != null) city.close();
  }

  @Test
  void aCallIsSaidThreeTimesAndReachesDisplaysOnEveryInstance() {
    String calls = Addresses.calls("pudong");
    try (BridgeClient here = new BridgeClient(city.vertx, city.port(), null);
         BridgeClient there = new BridgeClient(second.vertx, second.port(), null)) {
      here.register(calls);
      there.register(calls);
      sleep(300); // registration is asynchronous
      String number = city.walkIn("pudong", "Zhou Min", "310101198001015555").getString("number");
      BridgeClient.await("three sayings on both instances", 10, () ->
          here.count(calls, c -> number.equals(c.getString("number"))) >= 3
              && there.count(calls, c -> number.equals(c.getString("number"))) >= 3);
      List<JsonObject> mine = here.received(calls).stream().filter(c -> number.equals(c.getString("number"))).toList();
      assertEquals(List.of(1, 2, 3), mine.stream().map(c -> c.getInteger("repeat")).toList());
      JsonObject first = mine.get(0);
      assertEquals("room", first.getJsonObject("to").getString("kind"));
      assertEquals(3, first.getInteger("of"));
      assertTrue(first.getJsonObject("text").getString("en").contains(number));
      assertTrue(first.getJsonObject("text").getString("zh").contains(number));
      assertEquals(1, mine.stream().map(c -> c.getString("eventId")).distinct().count(), "repetitions share one event id");
    }
  }

  @Test
  void repeatsStopOnceTheStationStarts() {
    String calls = Addresses.calls("pudong");
    String desk = city.login("desk", "1234");
    String door = city.login("door", "1357");
    try (BridgeClient display = new BridgeClient(city.vertx, city.port(), null)) {
      display.register(calls);
      sleep(300);
      String number = city.walkIn("pudong", "Qian Li", "310101198001016666").getString("number");
      assertEquals(200, city.post("/api/v1/sites/pudong/door/scan", door, new JsonObject().put("number", number)).status());
      // drain the desk queue until our ticket is called
      String called = null;
      while (!number.equals(called)) {
        var r = city.post("/api/v1/sites/pudong/stations/desk-1/next", desk, null);
        assertEquals(200, r.status(), r.body());
        called = r.json().getJsonObject("ticket").getString("number");
        if (!number.equals(called)) city.post("/api/v1/sites/pudong/stations/desk-1/done", desk, null);
      }
      BridgeClient.await("the desk call", 5, () -> display.count(calls, c -> isDeskCall(c, number)) >= 1);
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-1/start", desk, null).status());
      sleep(2500); // two more intervals: no further repetition may come
      assertEquals(1, display.count(calls, c -> isDeskCall(c, number)), "no repeat after start");
      city.post("/api/v1/sites/pudong/stations/desk-1/done", desk, null);
    }
  }

  private static boolean isDeskCall(JsonObject c, String number) {
    return number.equals(c.getString("number")) && "desk".equals(c.getJsonObject("to").getString("kind"));
  }

  @Test
  void anonymousClientsGetNothingFromStaffAndCanSendOnlyAcks() {
    String staff = Addresses.staff("pudong");
    try (BridgeClient anon = new BridgeClient(city.vertx, city.port(), null);
         BridgeClient desk = new BridgeClient(city.vertx, city.port(), city.login("desk", "1234"))) {
      anon.register(staff);
      desk.register(staff);
      sleep(300);
      // make a station change
      String deskCookie = city.login("desk", "1234");
      city.post("/api/v1/sites/pudong/stations/desk-2/pause", deskCookie, null);
      try {
        BridgeClient.await("a staff update for the logged-in tablet", 5, () -> !desk.received(staff).isEmpty());
      } catch (AssertionError e) {
        throw new AssertionError("tablet frames: " + desk.frames, e);
      }
      city.post("/api/v1/sites/pudong/stations/desk-2/resume", deskCookie, null);
      sleep(500);
      assertTrue(anon.received(staff).isEmpty(), "anonymous received staff messages");
      assertFalse(anon.errors().isEmpty(), "the anonymous register was refused");

      // inbound: only acks are accepted
      anon.send(new JsonObject().put("type", "send").put("address", Addresses.calls("pudong"))
          .put("body", new JsonObject().put("number", "A999")));
      anon.send(new JsonObject().put("type", "publish").put("address", Addresses.state("pudong"))
          .put("body", new JsonObject()));
      anon.send(new JsonObject().put("type", "send").put("address", "vaxflow.internal")
          .put("body", new JsonObject()));
      BridgeClient.await("the three refusals", 5, () -> anon.errors().size() >= 4);
      int errorsBefore = anon.errors().size();
      anon.send(new JsonObject().put("type", "send").put("address", Addresses.ack("pudong"))
          .put("body", new JsonObject().put("callId", "1-0").put("repeat", 1).put("displayId", "hall-test")));
      sleep(500);
      // the register is refused by the bridge's guard ("rejected"), the sends by its permissions ("access_denied")
      assertEquals("rejected", anon.errors().get(0).getString("body"));
      long denied = anon.errors().stream().filter(e -> "access_denied".equals(e.getString("body"))).count();
      assertEquals(3, denied, "refused: send to calls, publish to state, unknown address; got " + anon.errors());
      assertEquals(errorsBefore, anon.errors().size(), "the ack was accepted");
    }
  }

  /**
   * The bridge checks each message it pushes to a staff tablet against a remembered session; a logout
   * on the other instance reaches it over pub/sub. Afterwards the tablet hears nothing more, while a
   * tablet still logged in beside it hears the same change (so the silence is not for want of one).
   */
  @Test
  void aTabletLoggedOutOnTheOtherInstanceHearsNoMoreStationChanges() {
    String staff = Addresses.staff("pudong");
    String leaving = city.login("desk", "1234");
    String acting = city.login("desk", "1234");
    try (BridgeClient gone = new BridgeClient(second.vertx, second.port(), leaving);
         BridgeClient stays = new BridgeClient(second.vertx, second.port(), city.login("desk", "1234"))) {
      gone.register(staff);
      stays.register(staff);
      sleep(300);
      city.post("/api/v1/sites/pudong/stations/desk-3/pause", acting, null);
      BridgeClient.await("the change on both tablets", 5, () -> !gone.received(staff).isEmpty() && !stays.received(staff).isEmpty());

      assertEquals(200, city.post("/api/v1/auth/logout", leaving, null).status());
      sleep(500); // the revocation travels over pub/sub; the next action is refused at once (SessionRevocationTest)
      int heardBefore = gone.received(staff).size();
      int staysBefore = stays.received(staff).size();
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-3/resume", acting, null).status());
      BridgeClient.await("the change on the tablet still logged in", 5, () -> stays.received(staff).size() > staysBefore);
      sleep(300);
      assertEquals(heardBefore, gone.received(staff).size(), "the logged-out tablet heard: " + gone.received(staff));
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
