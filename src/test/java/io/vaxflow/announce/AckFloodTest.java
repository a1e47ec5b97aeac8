package io.vaxflow.announce;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.TestCity;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7 item 3: an anonymous SockJS client flooding display acknowledgements must not stall
 * check-in nor fill Redis and the dashboard with made-up displays; a real display stays online.
 * The test's bridge clients run on the Vert.x the extension gives each test.
 */
@ExtendWith(VertxExtension.class)
class AckFloodTest {

  private static final String ATTACKER = "203.0.113.9";
  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of(
      "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000",
      "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "10000")));

  @Test
  void anAckFloodLeavesCheckInAloneAndTheDisplaysBounded(Vertx vertx) throws Exception {
    String calls = Addresses.calls(SITE);
    String ack = Addresses.ack(SITE);
    String manager = city.login("manager", "2468");
    List<BridgeClient> flooders = new java.util.concurrent.CopyOnWriteArrayList<>();
    // the display connects directly; the attacker is a browser elsewhere, behind the trusted (loopback) proxy
    try (BridgeClient display = new BridgeClient(vertx, city.port(), null)) {
      display.register(calls);
      for (int c = 0; c < 4; c++) flooders.add(new BridgeClient(vertx, city.port(), null, ATTACKER));

      // 4 anonymous sockets, 3,000 acks each, every one naming another display; a socket the server
      // closes connects again, as an attacker's would, until the server refuses it
      AtomicInteger sent = new AtomicInteger();
      AtomicInteger reconnects = new AtomicInteger();
      List<UpgradeRejectedException> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<BridgeClient> everyFlooder = new java.util.concurrent.CopyOnWriteArrayList<>(flooders);
      Thread flood = new Thread(() -> {
        for (int i = 0; i < 3_000; i++) {
          for (int c = 0; c < flooders.size(); c++) {
            if (flooders.get(c) == null) continue; // refused: this socket has given up
            JsonObject frame = new JsonObject().put("type", "send").put("address", ack).put("body",
                new JsonObject().put("callId", "1-" + i).put("repeat", 1).put("displayId", "fake-" + c + "-" + i));
            try {
              flooders.get(c).send(frame);
              sent.incrementAndGet();
            } catch (RuntimeException closed) {
              try {
                BridgeClient again = new BridgeClient(vertx, city.port(), null, ATTACKER);
                flooders.set(c, again);
                everyFlooder.add(again);
                reconnects.incrementAndGet();
              } catch (UpgradeRejectedException refused) {
                refusals.add(refused);
                flooders.set(c, null);
              }
            }
          }
        }
      }, "ack-flood");
      flood.start();

      // check-ins meanwhile; the real display acknowledges what it shows
      int checkins = 0;
      int acked = 0;
      long lastAck = 0;
      while (flood.isAlive() && checkins < 400) {
        TestCity.Reply r = city.post("/api/v1/sites/" + SITE + "/checkins", new JsonObject().put("walkIn",
            new JsonObject().put("name", "Flood Test").put("idNumber", Ids.resident(22, checkins)).put("dose", 1)));
        assertEquals(201, r.status(), "check-in " + checkins + " during the flood: " + r.body());
        checkins++;
        // at most 4 acks a second, as live.js sends them
        List<JsonObject> shown = display.received(calls);
        if (acked < shown.size() && System.nanoTime() - lastAck > 250_000_000L) {
          display.send(new JsonObject().put("type", "send").put("address", ack).put("body", new JsonObject()
              .put("callId", shown.get(acked).getString("callId")).put("repeat", 1).put("displayId", "hall-real")));
          acked++;
          lastAck = System.nanoTime();
        }
      }
      assertEquals(200, city.get("/health").status(), "/health during the flood");
      flood.join(120_000);
      assertFalse(flood.isAlive());
      assertTrue(checkins > 0);
      assertTrue(everyFlooder.get(0).errors().stream().anyMatch(e -> "rejected".equals(e.getString("body"))),
          "the flood was throttled at the bridge");
      // a socket beyond its allowance is closed, and its address may not open another one for a while
      assertEquals(0, reconnects.get(), "a flooding socket connected again");
      assertEquals(4, refusals.size());
      assertTrue(sent.get() < 12_000, "the flood gave up: " + sent.get());
      for (BridgeClient f : everyFlooder) {
        // its allowance, and what it refilled while the flood lasted (seconds)
        assertTrue(f.errors().size() <= AckGate.FRAME_BURST + 10 * AckGate.FRAME_RATE,
            "acks a socket had refused before it was closed: " + f.errors().size());
      }
      for (UpgradeRejectedException refused : refusals) {
        assertEquals(429, refused.getStatus());
        long retryAfter = Long.parseLong(refused.getHeaders().get("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= AckGate.BOX_MS / 1000, "Retry-After " + retryAfter);
      }
      UpgradeRejectedException again = assertThrows(UpgradeRejectedException.class,
          () -> new BridgeClient(vertx, city.port(), null, ATTACKER));
      assertEquals(429, again.getStatus());
      // only that address: the display here, and a display behind the same proxy, connect as before
      new BridgeClient(vertx, city.port(), null).close();
      new BridgeClient(vertx, city.port(), null, "203.0.113.10").close();
      flooders.clear();
      flooders.addAll(everyFlooder);

      // pings are not acks: they never use up a connection's allowance
      for (int i = 0; i < 50; i++) display.send(new JsonObject().put("type", "ping"));
      int errors = display.errors().size();
      Thread.sleep(1_000); // the per-connection allowance refills
      String last = display.received(calls).get(display.received(calls).size() - 1).getString("callId");
      display.send(new JsonObject().put("type", "send").put("address", ack)
          .put("body", new JsonObject().put("callId", last).put("repeat", 1).put("displayId", "hall-real")));
      display.sync(); // a refusal of the ack, if any, has come
      assertEquals(errors, display.errors().size(), "the display's ack after 50 pings was accepted");

      BridgeClient.await("the real display online on the dashboard", 10,
          () -> display(manager, "hall-real").map(d -> d.getBoolean("online")).orElse(false));
      JsonArray shown = city.get("/api/v1/sites/" + SITE + "/metrics", manager).json().getJsonArray("displays");
      // each socket speaks for one display: the 12,000 made-up ids came to one entry per socket, at most 50
      assertTrue(shown.size() <= Displays.MAX_PER_SITE, "displays on the dashboard: " + shown.size());
    } finally {
      flooders.forEach(AckFloodTest::closeQuietly);
    }

    // bounded keys that expire; the unbounded hash of the old code is gone
    String acks = SiteKeys.prefix(SITE) + ":displays:acks";
    String lastAcks = SiteKeys.Site.DISPLAY_LAST.of(SITE);
    assertEquals(0, city.redis(Command.EXISTS, SiteKeys.prefix(SITE) + ":displays").toInteger(), "the old unbounded hash");
    assertTrue(city.redis(Command.ZCARD, acks).toInteger() <= Displays.MAX_PER_SITE);
    assertTrue(city.redis(Command.HLEN, lastAcks).toInteger() <= Displays.MAX_PER_SITE);
    for (String key : List.of(acks, lastAcks)) {
      long ttl = city.redis(Command.PTTL, key).toLong();
      assertTrue(ttl > 0 && ttl <= Displays.KEEP_MS, key + " expires: PTTL " + ttl);
    }
  }

  /**
   * Frames the bridge would parse and answer with an error (text that is not JSON, registrations
   * for addresses nobody may hear, pings) draw on the same allowance as acks: a connection that
   * floods them is closed before the bridge reads them, and its address is refused a new one.
   */
  @Test
  void aFloodOfAnyFrameClosesTheConnectionAndRefusesItsAddress(Vertx vertx) throws Exception {
    List<String> floods = List.of("not json at all", "{\"type\":\"register\",\"address\":\"vaxflow.site.pudong.staff\"}",
        "{\"type\":\"ping\"}", "{\"type\":\"send\",\"address\":\"vaxflow.site.pudong.calls\",\"body\":{}}");
    for (int f = 0; f < floods.size(); f++) {
      String from = "203.0.113." + (100 + f);
      BridgeClient flooder = new BridgeClient(vertx, city.port(), null, from);
      int sent = 0;
      try {
        for (; sent < 3 * AckGate.FRAME_BURST; sent++) flooder.sendText(floods.get(f));
      } catch (RuntimeException closedByTheServer) {
        // the connection was closed under the flood
      }
      BridgeClient.await("the flooding connection closed (" + floods.get(f) + ")", 10, flooder::closed);
      assertTrue(flooder.frames.size() <= AckGate.FRAME_BURST + 10 * AckGate.FRAME_RATE, "frames the bridge answered: " + flooder.frames.size());
      UpgradeRejectedException refused = assertThrows(UpgradeRejectedException.class,
          () -> new BridgeClient(vertx, city.port(), null, from));
      assertEquals(429, refused.getStatus(), floods.get(f));
    }
    // a display that pings and registers as displays do is never closed
    try (BridgeClient display = new BridgeClient(vertx, city.port(), null, "203.0.113.120")) {
      display.register(Addresses.calls(SITE));
      display.register(Addresses.state(SITE));
      for (int i = 0; i < 100; i++) {
        display.send(new JsonObject().put("type", "send").put("address", Addresses.ack(SITE)).put("body",
            new JsonObject().put("callId", "1-" + i).put("repeat", 1).put("displayId", "hall-back")));
      }
      display.send(new JsonObject().put("type", "ping"));
      display.sync(); // the bridge read them all and answers still
      assertFalse(display.closed(), "a display sending its 100 held acks at once");
    }
  }

  /**
   * The same allowance holds on SockJS's own transports, not only the raw WebSocket: here a session
   * over XHR (what a browser falls back to), whose sends each carry many frames.
   */
  @Test
  void aFloodOverSockJsXhrIsMeteredToo() {
    // SockJS closes a polling request's connection without saying so: none of these is kept alive
    Map<String, String> from = Map.of("X-Forwarded-For", "203.0.113.130", "Connection", "close");
    String session = "/eventbus/000/flood" + System.nanoTime();
    TestCity.Reply open = city.send(HttpMethod.POST, session + "/xhr", null, from, Buffer.buffer());
    assertEquals(200, open.status(), open.body());
    assertEquals("o", open.body().strip(), "the session opened");
    JsonArray pings = new JsonArray();
    for (int i = 0; i < 100; i++) pings.add(new JsonObject().put("type", "ping").encode());
    int accepted = 0;
    TestCity.Reply last = null;
    for (int i = 0; i < 10; i++) {
      last = city.send(HttpMethod.POST, session + "/xhr_send", null, from, pings.toBuffer());
      if (last.status() != 204) break;
      accepted++;
    }
    // 300 at once (and 10 a second): the fourth hundred closes the session and refuses the address
    assertTrue(accepted >= 3 && accepted <= 4, "sends of 100 frames accepted: " + accepted);
    assertEquals(429, last.status(), last.body());
    assertTrue(Long.parseLong(last.headers().get("Retry-After")) > 0);
    assertEquals(429, city.send(HttpMethod.GET, "/eventbus/info", null, from,
        Buffer.buffer()).status(), "a new session from that address");
    assertEquals(200, city.get("/eventbus/info").status(), "another address");
  }

  /**
   * A display on SockJS's XHR fallback (WebSockets blocked on the way) registers, hears the calls
   * and acknowledges them: its sends are POST bodies, which the bridge must be given to read.
   */
  @Test
  void aDisplayOverSockJsXhrRegistersHearsCallsAndAcks() {
    String session = "/eventbus/000/display" + System.nanoTime();
    assertEquals("o", xhr(session + "/xhr", null).body().strip());
    // registered, and a frame the bridge answers at once after it (as BridgeClient.register does):
    // once its answer is polled, the registration has been read
    JsonArray register = new JsonArray().add(new JsonObject().put("type", "register").put("address", Addresses.calls(SITE)).encode())
        .add(new JsonObject().put("type", "register").encode());
    assertEquals(204, xhr(session + "/xhr_send", register).status());
    StringBuilder polled = new StringBuilder();
    BridgeClient.await("the registration read over XHR", 10, () -> polled.append(xhr(session + "/xhr", null).body()).indexOf("missing_address") >= 0);
    TestCity.Reply checkin = city.post("/api/v1/sites/" + SITE + "/checkins", new JsonObject().put("walkIn",
        new JsonObject().put("name", "Xhr Display").put("idNumber", "310101198001019995").put("dose", 1)));
    assertEquals(201, checkin.status(), checkin.body());
    String number = checkin.json().getJsonObject("ticket").getString("number");
    StringBuilder heard = new StringBuilder();
    BridgeClient.await("the call heard over XHR polling", 10, () -> {
      heard.append(xhr(session + "/xhr", null).body());
      return heard.toString().contains(number);
    });
    JsonArray ackFrame = new JsonArray().add(new JsonObject().put("type", "send").put("address", Addresses.ack(SITE))
        .put("body", new JsonObject().put("callId", "1-0").put("repeat", 1).put("displayId", "hall-xhr")).encode());
    assertEquals(204, xhr(session + "/xhr_send", ackFrame).status());
  }

  private static TestCity.Reply xhr(String path, JsonArray frames) {
    // SockJS closes a polling request's connection without saying so: none of these is kept alive
    return city.send(HttpMethod.POST, path, null, Map.of("Connection", "close"),
        frames == null ? Buffer.buffer() : frames.toBuffer());
  }

  @Test
  void displaysNotHeardForADayAreForgottenAndAtMostFiftyAreKept(Vertx vertx) throws Exception {
    String site = "xuhui";
    String acks = SiteKeys.prefix(site) + ":displays:acks";
    String lastAcks = SiteKeys.Site.DISPLAY_LAST.of(site);
    long now = System.currentTimeMillis();
    city.redis(Command.ZADD, acks, now - Displays.KEEP_MS - 60_000, "hall-gone");
    city.redis(Command.HSET, lastAcks, "hall-gone", (now - Displays.KEEP_MS - 60_000) + "|1-0");
    // 60 sockets, each one display: more than a site keeps
    List<BridgeClient> displays = new ArrayList<>();
    try {
      for (int i = 0; i < 60; i++) {
        BridgeClient d = new BridgeClient(vertx, city.port(), null);
        displays.add(d);
        d.send(new JsonObject().put("type", "send").put("address", Addresses.ack(site))
            .put("body", new JsonObject().put("callId", "1-" + i).put("repeat", 1).put("displayId", "hall-" + i)));
      }
      BridgeClient.await("the acks written", 10, () -> city.redis(Command.ZCARD, acks).toInteger() >= Displays.MAX_PER_SITE);
      Thread.sleep(2 * Displays.FLUSH_MS + 500);
      assertEquals(Displays.MAX_PER_SITE, city.redis(Command.ZCARD, acks).toInteger());
      assertEquals(Displays.MAX_PER_SITE, city.redis(Command.HLEN, lastAcks).toInteger());
      assertFalse(city.redis(Command.HEXISTS, lastAcks, "hall-gone").toBoolean(), "a display not heard for a day is forgotten");
    } finally {
      displays.forEach(BridgeClient::close);
    }
  }

  private static void closeQuietly(BridgeClient client) {
    try {
      client.close();
    } catch (RuntimeException alreadyClosed) {
      // closed by the server
    }
  }

  private static Optional<JsonObject> display(String cookie, String id) {
    return city.get("/api/v1/sites/" + SITE + "/metrics", cookie).json().getJsonArray("displays").stream()
        .map(JsonObject.class::cast).filter(d -> id.equals(d.getString("id"))).findFirst();
  }
}
