package io.vaxflow.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15 over the SockJS bridge and HTTP: every call's JSON carries its {@code speech} (the live
 * message, the calls feed, the state's current calls, the ticket's last call); the dashboard's
 * displays are as the server hears them — online while a display pings or says anything, offline
 * once it has been silent for {@link Displays#ONLINE_MS} (a cut cable: the connection stays open)
 * or at once when its connection closes — each with the sound it reported, a muted one alerted.
 */
class DisplayContactTest {

  static TestCity city;
  static String manager;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of()));

  @BeforeAll
  static void start() {
    manager = city.login("manager", "2468");
  }

  @Test
  void everyCallJsonCarriesItsSpeech() {
    String calls = Addresses.calls("jingan");
    JsonObject expected = new JsonObject()
        .put("zh", "P 零零一 号，请到疫苗候诊室。").put("en", "P, zero zero one — please go to the vaccine waiting room.");
    try (BridgeClient hall = new BridgeClient(city.vertx, city.port(), null)) {
      hall.register(calls);
      sleep(300); // registration is asynchronous
      JsonObject booking = city.book("jingan", "Speech Json", "310101195001011244", "elderly");
      TestCity.Reply in = city.post("/api/v1/sites/jingan/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
      assertEquals(201, in.status(), in.body());
      assertEquals("P001", in.json().getJsonObject("ticket").getString("number"), "the first priority ticket of the day");
      BridgeClient.await("the call on the bridge", 5, () -> !hall.received(calls).isEmpty());
      JsonObject live = hall.received(calls).get(0);
      assertEquals(expected, live.getJsonObject("speech"), "the live call: " + live);
      assertEquals("请P001号到疫苗候诊室。", live.getJsonObject("text").getString("zh"), "the text as written");
    }
    JsonObject fed = city.get("/api/v1/sites/jingan/calls").array().getJsonObject(0);
    assertEquals(expected, fed.getJsonObject("speech"), "GET /calls: " + fed);
    JsonArray current = city.get("/api/v1/sites/jingan/state").json().getJsonArray("currentCalls");
    assertEquals(expected, current.getJsonObject(0).getJsonObject("speech"), "the state's current calls: " + current);
    JsonObject last = city.get("/api/v1/sites/jingan/tickets/P001").json().getJsonObject("lastCall");
    assertEquals(expected, last.getJsonObject("speech"), "the ticket's last call: " + last);
    assertEquals("Number P001, please go to the vaccine waiting room.", last.getJsonObject("text").getString("en"));
  }

  @Test
  void aDisplayIsOnlineWhileHeardOfflineWhenSilentOrClosedAndItsSoundIsShown() throws Exception {
    String site = "xuhui";
    BridgeClient closing = new BridgeClient(city.vertx, city.port(), null);
    try (BridgeClient pinging = new BridgeClient(city.vertx, city.port(), null);
         BridgeClient silent = new BridgeClient(city.vertx, city.port(), null)) {
      hello(pinging, site, "hall-pings", "on");
      hello(silent, site, "hall-silent", "off");
      hello(closing, site, "hall-closes", "no-voice");
      long helloAt = System.currentTimeMillis();
      BridgeClient.await("the three displays online", 5, () -> online(site, "hall-pings") && online(site, "hall-silent")
          && online(site, "hall-closes"));
      JsonObject metrics = metrics(site);
      assertEquals("on", display(metrics, "hall-pings").getString("sound"));
      assertEquals("off", display(metrics, "hall-silent").getString("sound"));
      assertEquals("no-voice", display(metrics, "hall-closes").getString("sound"));
      assertNull(display(metrics, "hall-pings").getValue("lastAckAt"), "no call acknowledged yet");
      assertTrue(alerts(metrics, "hall-silent").contains("DISPLAY_MUTED"), metrics.getJsonArray("alerts").encode());
      assertTrue(alerts(metrics, "hall-closes").contains("DISPLAY_NO_VOICE"), metrics.getJsonArray("alerts").encode());

      // closed: offline at once (no waiting for silence)
      closing.close();
      BridgeClient.await("the closed display offline", 3, () -> !online(site, "hall-closes"));
      assertTrue(alerts(metrics(site), "hall-closes").contains("DISPLAY_OFFLINE"));

      // the others say nothing more; one of them pings as displays do (every 5 s; here every 2 s)
      String firstContact = display(metrics(site), "hall-pings").getString("lastContactAt");
      while (online(site, "hall-silent")) {
        assertTrue(System.currentTimeMillis() - helloAt < Displays.ONLINE_MS + 5_000, "the silent display still online");
        pinging.send(new JsonObject().put("type", "ping"));
        sleep(2_000);
      }
      long silentFor = System.currentTimeMillis() - helloAt;
      assertTrue(silentFor >= Displays.ONLINE_MS, "offline after " + silentFor + " ms of silence");
      metrics = metrics(site);
      assertTrue(display(metrics, "hall-pings").getBoolean("online"), "the pinging display: " + display(metrics, "hall-pings"));
      assertTrue(OffsetDateTime.parse(display(metrics, "hall-pings").getString("lastContactAt"))
          .isAfter(OffsetDateTime.parse(firstContact)), "its pings are its contact");
      assertTrue(alerts(metrics, "hall-silent").contains("DISPLAY_OFFLINE"), metrics.getJsonArray("alerts").encode());
      assertFalse(alerts(metrics, "hall-silent").contains("DISPLAY_MUTED"), "an offline display is offline, not muted");
      assertEquals(List.of(), alerts(metrics, "hall-pings"));
    }
  }

  /** A display an earlier release recorded ('ackMs|callId') is read as heard at its last ack. */
  @Test
  void aDisplayRecordedByAnEarlierReleaseIsReadAsHeardAtItsLastAck() {
    long now = System.currentTimeMillis();
    city.redis(Command.ZADD, SiteKeys.Site.DISPLAY_ACKS.of("pudong"), now - 2_000, "hall-before");
    city.redis(Command.HSET, SiteKeys.Site.DISPLAY_LAST.of("pudong"), "hall-before", (now - 2_000) + "|1-0");
    JsonObject d = display(metrics("pudong"), "hall-before");
    assertTrue(d.getBoolean("online"), d.encode());
    assertNotNull(d.getString("lastAckAt"));
    assertEquals(d.getString("lastAckAt"), d.getString("lastContactAt"));
    assertNull(d.getValue("sound"));
  }

  private static void hello(BridgeClient client, String site, String display, String sound) {
    client.send(new JsonObject().put("type", "send").put("address", Addresses.ack(site))
        .put("body", new JsonObject().put("displayId", display).put("hello", true).put("sound", sound)));
  }

  private static JsonObject metrics(String site) {
    TestCity.Reply r = city.get("/api/v1/sites/" + site + "/metrics", manager);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static JsonObject display(JsonObject metrics, String id) {
    return Optional.ofNullable(find(metrics, id)).orElseThrow(() -> new AssertionError("no display " + id + " in " + metrics.getJsonArray("displays")));
  }

  private static JsonObject find(JsonObject metrics, String id) {
    return metrics.getJsonArray("displays").stream().map(JsonObject.class::cast).filter(x -> id.equals(x.getString("id"))).findFirst().orElse(null);
  }

  private static boolean online(String site, String id) {
    JsonObject d = find(metrics(site), id);
    return d != null && d.getBoolean("online");
  }

  private static List<String> alerts(JsonObject metrics, String subject) {
    return metrics.getJsonArray("alerts").stream().map(JsonObject.class::cast)
        .filter(a -> subject.equals(a.getString("subject"))).map(a -> a.getString("code")).toList();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
