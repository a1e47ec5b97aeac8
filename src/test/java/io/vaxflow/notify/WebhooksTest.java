package io.vaxflow.notify;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.await;
import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.web.ApiContract;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Webhooks against real receivers (HTTP servers of the test's own on loopback ports), one city on a simulated clock:
 * {@code sms} takes every kind of event (an SMS gateway: it gets phone numbers), {@code board} calls, tickets and
 * alerts (an operations board: never a phone). Each body's signature is checked here with javax.crypto and its shape
 * against the OpenAPI document's {@code WebhookEvent}. The tests run in order: the last one restarts the server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhooksTest {

  private static final String SMS_SECRET = "the-sms-gateway-secret";
  private static final String BOARD_SECRET = "the-ops-board-secret!";
  private static final String PHONE = "13800138000";
  /** Every name and ID number the tests give: none may reach a receiver. */
  private static final Set<String> PERSONAL = ConcurrentHashMap.newKeySet();

  private static Vertx vertx;
  private static Receiver sms;
  private static Receiver board;
  private static SimClock clock;
  private static Map<String, String> settings;
  /** The city whose redis-server this class started (its first server). */
  private static TestCity city;
  /** The server now serving: the first, or after the last test the one started in its place. */
  private static TestCity server;
  private static Validator webhookEvent;
  private static int people;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    sms = new Receiver(vertx, SMS_SECRET).start();
    board = new Receiver(vertx, BOARD_SECRET).start();
    settings = new HashMap<>(sms.webhook(0, "sms", "/vaxflow", "call,ticket,alert,reminder"));
    settings.putAll(board.webhook(1, "board", "/board", "call,ticket,alert"));
    // short enough for a test, the same mechanism as the defaults (60 s cap, 120 s claim, 5 s alerts, 300 s stale)
    settings.putAll(Map.of("VAXFLOW_NOTIFY_RETRYCAPSEC", "2", "VAXFLOW_NOTIFY_CLAIMIDLESEC", "4",
        "VAXFLOW_NOTIFY_TIMEOUTMS", "5000", "VAXFLOW_NOTIFY_ALERTCHECKSEC", "1", "VAXFLOW_NOTIFY_STALESEC", "3"));
    clock = new SimClock(Instant.parse(TestCity.MORNING).toEpochMilli());
    city = TestCity.startOn(clock, settings);
    server = city;
    JsonObject schemas = ApiContract.load(vertx).await().contract().getRawContract().getJsonObject("components").getJsonObject("schemas");
    webhookEvent = ApiContract.load(vertx).await().contract().getSchemaRepository().validator(JsonSchema.of(schemas.getJsonObject("WebhookEvent")));
  }

  @AfterAll
  static void stop() {
    try {
      if (server != city) {
        server.close();
        city.redis.stop();
        TestCity.deleteTree(city.redis.dataDir());
      } else if (city != null) {
        city.close();
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @Order(1)
  void everyCallAndEveryMoveOfATicketIsDeliveredSignedWithoutNamesOrIdNumbers() {
    String from = lastId();
    String first = null;
    for (int i = 0; i < 6; i++) {
      String number = walkIn(server);
      first = first == null ? number : first;
    }
    ok(FlowKit.scan(server, server.login("door", "1357"), first), "the door scans " + first);
    ok(FlowKit.next(server, server.login("desk", "1234"), "desk-1"), "desk-1 calls the next");

    List<Map<String, String>> made = events(from);
    Set<String> calls = ids(made, "call");
    Set<String> tickets = ids(made, "ticket");
    assertTrue(!calls.isEmpty() && !tickets.isEmpty(), "calls " + calls + ", ticket moves " + tickets);
    for (Receiver r : List.of(sms, board)) {
      await("every call and ticket move at " + r.url(""), 15_000,
          () -> r.eventIds("call").containsAll(calls) && r.eventIds("ticket").containsAll(tickets));
    }
    String deskCall = made.stream().filter(e -> "call".equals(e.get("type")) && "desk-1".equals(e.get("toId")))
        .map(e -> e.get("id")).findFirst().orElseThrow();
    JsonObject said = sms.delivered().stream().map(Receiver.Got::json).filter(j -> deskCall.equals(j.getString("eventId")))
        .findFirst().orElseThrow();
    assertEquals("desk", said.getJsonObject("to").getString("kind"));
    assertTrue(said.getJsonObject("text").getString("en").contains(said.getString("number")), said.encode());
    assertEquals(SITE, said.getString("site"));
    assertEquals(OffsetDateTime.parse(said.getString("at")).toInstant(), clock.instant(), "at: the site's time of the call");
    everyBodyAsDocumented();
  }

  @Test
  @Order(2)
  void thePhoneGoesOnlyToReceiversOfReminders() {
    String name = "王小明";
    String idNumber = "31010119900101235X";
    PERSONAL.add(name);
    PERSONAL.add(idNumber);
    JsonObject booking = server.book(SITE, name, idNumber, null); // today: its reminder (yesterday 18:00) is due at once
    String code = booking.getString("appointmentId");
    await("the reminder of " + code, 10_000, () -> reminderOf(code).isPresent());
    JsonObject reminder = reminderOf(code).orElseThrow();
    assertEquals(PHONE, reminder.getString("phone"));
    assertEquals(TestCity.TODAY, reminder.getString("day"));
    assertEquals(booking.getString("slot"), reminder.getString("slot"));

    TestCity.Reply checkin = server.post(API + "/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
    assertEquals(201, checkin.status(), checkin.body());
    String number = checkin.json().getJsonObject("ticket").getString("number");
    // The come-back call of this ticket as the sweep makes it for a ticket waiting away from the hall (lib/site.lua
    // call_back: a call to the hall with back = 1), written here as that script writes it: the away flow has its own test.
    String back = server.redis(Command.XADD, SiteKeys.Site.EVENTS.of(SITE), "*", "type", "call", "day", TestCity.TODAY,
        "at", clock.millis(), "by", "system", "number", number, "toKind", "hall", "toId", "hall", "stage", "hall", "back", "1").toString();
    for (Receiver r : List.of(sms, board)) await("the come-back call at " + r.url(""), 10_000, () -> r.eventIds("call").contains(back));
    JsonObject toSms = callOf(sms, back);
    JsonObject toBoard = callOf(board, back);
    assertTrue(toSms.getBoolean("back") && toBoard.getBoolean("back"));
    assertTrue(toSms.getJsonObject("text").getString("en").contains("come back"), "the come-back wording: " + toSms.encode());
    assertEquals(PHONE, toSms.getString("phone"), "a receiver of reminders gets the booking's phone with its come-back call");
    assertFalse(toBoard.containsKey("phone"), toBoard.encode());
    assertTrue(board.eventIds("ticket").size() > 0 && board.delivered().stream().noneMatch(g -> "reminder".equals(g.event())),
        "the board takes no reminders");
    assertTrue(board.all().stream().noneMatch(g -> g.body().contains(PHONE)), "no phone ever reaches the board");
    assertTrue(sms.all().stream().filter(g -> g.body().contains(PHONE))
        .allMatch(g -> "reminder".equals(g.event()) || g.json().getBoolean("back", false)), "a phone only in reminders and come-back calls");
    everyBodyAsDocumented();
  }

  @Test
  @Order(3)
  void aReceiverAnswering500ThenGetsTheSameEventAgainWithTheSameDeliveryId() {
    Set<String> tried = ConcurrentHashMap.newKeySet();
    board.answer = id -> tried.add(id) ? 500 : 200; // each delivery's first attempt fails
    try {
      String from = lastId();
      walkIn(server);
      String checkin = events(from).stream().filter(e -> "checkin".equals(e.get("type"))).map(e -> e.get("id")).findFirst().orElseThrow();
      String id = "board." + SITE + "." + checkin;
      await("the check-in redelivered", 15_000, () -> board.all().stream().filter(g -> id.equals(g.delivery()) && g.ok()).count() == 1);
      List<Receiver.Got> attempts = board.all().stream().filter(g -> id.equals(g.delivery())).toList();
      assertEquals(List.of(500, 200), attempts.stream().map(Receiver.Got::answered).toList());
      assertEquals(attempts.get(0).body(), attempts.get(1).body(), "the same event");
      assertEquals(attempts.get(0).signature(), attempts.get(1).signature());
      assertTrue(metric(server, "vaxflow_webhook_deliveries_total", "board", "failed") >= 1);
    } finally {
      board.answer = any -> 200;
    }
  }

  /** Reminded the day before at notify.reminderAt (18:00), once; a later booking's reminder waits for its own day before. */
  @Test
  @Order(4)
  void aBookingIsRemindedOnceAtSixTheDayBefore() {
    String tomorrow = "2026-11-25";
    String dayAfter = "2026-11-26";
    String a = book("xuhui", tomorrow);
    String b = book("xuhui", dayAfter);
    long sixPm = OffsetDateTime.parse(TestCity.TODAY + "T18:00:00+08:00").toInstant().toEpochMilli();
    assertEquals(sixPm, score(a), "due at 18:00 the day before, local time");
    assertEquals(sixPm + 86_400_000L, score(b));
    assertTrue(reminderOf(a).isEmpty());

    clock.set(sixPm + 1_000);
    await("the reminder of " + a, 10_000, () -> reminderOf(a).isPresent());
    assertEquals(tomorrow, reminderOf(a).orElseThrow().getString("day"));
    assertTrue(reminderOf(b).isEmpty(), "the same sweep left the day after's booking alone");
    clock.set(sixPm + 86_400_000L + 1_000);
    await("the reminder of " + b, 10_000, () -> reminderOf(b).isPresent());
    assertEquals(1, events("0-0").stream().filter(e -> "reminder".equals(e.get("type")) && a.equals(e.get("appointment"))).count(),
        "one reminder event per booking");
    assertEquals(1, sms.delivered().stream().filter(g -> "reminder".equals(g.event()) && a.equals(g.json().getString("appointment"))).count());
    clock.set(Instant.parse(TestCity.MORNING).toEpochMilli() + 3_600_000L); // back to a morning the sites are open
  }

  /** Two instances share each webhook's deliveries: every event delivered, none twice but for a retry. */
  @Test
  @Order(5)
  void twoInstancesShareTheDeliveriesAndRaiseEachAlertOnce() {
    TestCity second = TestCity.on(city.redis, settings);
    board.delayMs = 20; // a receiver that takes its time: deliveries overlap, so both instances get some
    try {
      double failedBefore = metric(server, "vaxflow_webhook_deliveries_total", "board", "failed");
      String from = lastId();
      for (int i = 0; i < 24; i++) walkIn(i % 2 == 0 ? server : second);
      List<Map<String, String>> made = events(from);
      Set<String> wanted = new HashSet<>(ids(made, "call"));
      wanted.addAll(ids(made, "ticket"));
      await("every event at the board", 20_000, () -> deliveredIds(board).keySet().containsAll(wanted));
      Map<String, Long> times = deliveredIds(board);
      long again = wanted.stream().mapToLong(id -> times.get(id) - 1).sum();
      double retried = metric(server, "vaxflow_webhook_deliveries_total", "board", "failed") - failedBefore
          + metric(second, "vaxflow_webhook_deliveries_total", "board", "failed");
      assertTrue(again <= retried, "delivered twice without a retry: " + wanted.stream().filter(id -> times.get(id) > 1).toList());
      assertTrue(metric(server, "vaxflow_webhook_deliveries_total", "board", "delivered") > 0
          && metric(second, "vaxflow_webhook_deliveries_total", "board", "delivered") > 0, "both instances delivered");

      String manager = server.login("manager", "2468");
      String alerts = lastId();
      ok(capacity(manager, 1), "hall capacity 1");
      await("the hall-full alert raised", 10_000, () -> alert(board, "raised").isPresent());
      JsonObject raised = alert(board, "raised").orElseThrow();
      assertEquals("warning", raised.getString("severity"));
      assertTrue(raised.getJsonObject("message").getString("en").contains("nearly full"), raised.encode());
      assertFalse(raised.getJsonObject("message").getString("zh").isBlank());
      ok(capacity(manager, 150), "hall capacity back");
      // cleared once neither instance has seen it for 3 rounds: both looked again meanwhile, and raised nothing more
      await("the hall-full alert cleared", 15_000, () -> alert(board, "cleared").isPresent());
      List<Map<String, String>> hallFull = events(alerts).stream()
          .filter(e -> "alert".equals(e.get("type")) && "HALL_NEARLY_FULL".equals(e.get("code")) && SITE.equals(site(e))).toList();
      assertEquals(List.of("raised", "cleared"), hallFull.stream().map(e -> e.get("state")).toList(), "one raise, one clear");
    } finally {
      board.delayMs = 0;
      second.close();
    }
  }

  /**
   * The {@code sms} receiver is down while the server is stopped and another started in its place; events are made
   * before, during and after. Every one is delivered once it is back (duplicates allowed, each with its delivery id),
   * and the board, up all along, is not held up. Why a few seconds stand for an hour: once a failing delivery's backoff
   * has reached its cap (2 s here, 60 s by default) each further minute is the same retry again; the pending entries
   * of the stopped server are taken over after claimIdleSec (4 s here, 120 s by default), shown below; and what a
   * longer outage adds is only more unread entries in the stream, which keeps audit.retentionDays days of events (README).
   */
  @Test
  @Order(6)
  void aReceiverDownWhileTheServerRestartsMissesNothing() {
    sms.stop();
    String from = lastId();
    for (int i = 0; i < 4; i++) walkIn(server);
    await("the first server tried and failed", 10_000, () -> metric(server, "vaxflow_webhook_deliveries_total", "sms", "failed") >= 1);
    Set<String> atBoard = new HashSet<>(ids(events(from), "ticket"));
    await("the board, up all along, has them", 10_000, () -> board.eventIds("ticket").containsAll(atBoard));
    Map<String, Long> heldBefore = consumers();
    assertTrue(heldBefore.values().stream().anyMatch(n -> n > 0), "the first server holds pending events: " + heldBefore);

    server.stopServer();
    server = TestCity.on(city.redis, settings);
    for (int i = 0; i < 4; i++) walkIn(server);
    await("/health says the webhook is behind", 10_000, () -> "DEGRADED".equals(webhooksHealth().getString("status")));
    // down at least as long as the mechanism's longest period: a stopped instance's claim idle plus a capped retry
    await("an outage of claimIdleSec + retryCapSec", 15_000, () -> webhooksHealth().getJsonArray("webhooks").stream()
        .map(JsonObject.class::cast).anyMatch(h -> "sms".equals(h.getString("id")) && h.getLong("oldestUndeliveredSec", 0L) >= 6));
    assertEquals("UP", server.get("/health").json().getString("status"), "degraded, not down");

    sms.start();
    for (int i = 0; i < 3; i++) walkIn(server);
    List<Map<String, String>> made = events(from);
    Set<String> calls = ids(made, "call");
    Set<String> tickets = ids(made, "ticket");
    await("every event made before, during and after", 30_000,
        () -> sms.eventIds("call").containsAll(calls) && sms.eventIds("ticket").containsAll(tickets));
    Map<String, Long> after = consumers();
    assertTrue(heldBefore.keySet().stream().allMatch(c -> after.getOrDefault(c, 0L) == 0),
        "what the stopped server held was taken over: " + heldBefore + " then " + after);
    for (Receiver.Got g : sms.all()) {
      assertEquals("sms." + g.json().getString("site") + "." + g.json().getString("eventId"), g.delivery(), "one delivery id per event");
    }
    await("/health: caught up", 15_000, () -> "UP".equals(webhooksHealth().getString("status")));
    everyBodyAsDocumented();
  }

  // ---- helpers ----

  /** Every request either receiver got: signed with its secret, its header type its body's, the document's shape, nothing personal. */
  private static void everyBodyAsDocumented() {
    for (Receiver r : List.of(sms, board)) {
      for (Receiver.Got g : r.all()) {
        assertTrue(g.signed(), "signature of " + g.delivery());
        JsonObject j = g.json();
        assertEquals(j.getString("type"), g.event(), g.body());
        OutputUnit out = webhookEvent.validate(Json.decodeValue(g.body()));
        assertTrue(out.getValid(), "not a WebhookEvent: " + g.body() + " " + out.getErrors());
        for (String p : PERSONAL) assertFalse(g.body().contains(p), "personal data in " + g.body());
        assertFalse(j.containsKey("name") || j.containsKey("idNumber"), g.body());
      }
    }
  }

  /** A walk-in at pudong; its number. */
  private static String walkIn(TestCity at) {
    int i = ++people;
    String name = FlowKit.name("Webhook", i);
    String idNumber = FlowKit.idNumber(7, i);
    PERSONAL.add(name);
    PERSONAL.add(idNumber);
    return at.walkIn(SITE, name, idNumber).getString("number");
  }

  private static String book(String site, String day) {
    int i = ++people;
    JsonObject b = new JsonObject().put("name", FlowKit.name("Booked", i)).put("idNumber", FlowKit.idNumber(8, i))
        .put("phone", PHONE).put("dose", 1).put("day", day).put("siteId", site);
    PERSONAL.add(b.getString("name"));
    PERSONAL.add(b.getString("idNumber"));
    TestCity.Reply r = server.booking(b);
    assertEquals(201, r.status(), r.body());
    return r.json().getString("appointmentId");
  }

  private static long score(String code) {
    String site = code.startsWith("XH") ? "xuhui" : SITE;
    return (long) Double.parseDouble(server.redis(Command.ZSCORE, SiteKeys.Site.REMINDERS.of(site), code).toString());
  }

  private static TestCity.Reply capacity(String manager, int hall) {
    return server.send(HttpMethod.PUT, API + "/settings", manager, Map.of(), new JsonObject().put("hallCapacity", hall).toBuffer());
  }

  private static java.util.Optional<JsonObject> reminderOf(String code) {
    return sms.delivered().stream().filter(g -> "reminder".equals(g.event())).map(Receiver.Got::json)
        .filter(j -> code.equals(j.getString("appointment"))).findFirst();
  }

  private static JsonObject callOf(Receiver r, String eventId) {
    return r.delivered().stream().map(Receiver.Got::json).filter(j -> eventId.equals(j.getString("eventId"))).findFirst().orElseThrow();
  }

  private static java.util.Optional<JsonObject> alert(Receiver r, String state) {
    return r.delivered().stream().filter(g -> "alert".equals(g.event())).map(Receiver.Got::json)
        .filter(j -> SITE.equals(j.getString("site")) && "HALL_NEARLY_FULL".equals(j.getString("code")) && state.equals(j.getString("state")))
        .reduce((x, y) -> y);
  }

  /** How many times each event was delivered (answered 2xx). */
  private static Map<String, Long> deliveredIds(Receiver r) {
    return r.delivered().stream().collect(Collectors.groupingBy(g -> g.json().getString("eventId"), Collectors.counting()));
  }

  /** The pudong stream's entries after {@code after}, each with its id. */
  private static List<Map<String, String>> events(String after) {
    List<Map<String, String>> out = new ArrayList<>();
    for (String site : List.of(SITE, "xuhui", "jingan")) {
      Response r = server.redis(Command.XRANGE, SiteKeys.Site.EVENTS.of(site), "0-0".equals(after) ? "-" : "(" + after, "+");
      for (Response e : r) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", e.get(0).toString());
        f.put("site", site);
        Response fields = e.get(1);
        for (int i = 0; i + 1 < fields.size(); i += 2) f.put(fields.get(i).toString(), fields.get(i + 1).toString());
        out.add(f);
      }
    }
    return out;
  }

  private static String site(Map<String, String> e) {
    return e.get("site");
  }

  /** The events of pudong a receiver of {@code kind} gets: calls, or a ticket's moves (entries with number, from and to). */
  private static Set<String> ids(List<Map<String, String>> events, String kind) {
    return events.stream().filter(e -> SITE.equals(site(e)))
        .filter(e -> kind.equals("call") ? "call".equals(e.get("type"))
            : e.containsKey("number") && e.containsKey("from") && e.containsKey("to"))
        .map(e -> e.get("id")).collect(Collectors.toSet());
  }

  /** The last id of pudong's stream. */
  private static String lastId() {
    Response r = server.redis(Command.XREVRANGE, SiteKeys.Site.EVENTS.of(SITE), "+", "-", "COUNT", "1");
    return r.size() == 0 ? "0-0" : r.get(0).get(0).toString();
  }

  /** Pending entries of the sms webhook's group at pudong, by consumer. */
  private static Map<String, Long> consumers() {
    Map<String, Long> out = new HashMap<>();
    for (Response c : server.redis(Command.XINFO, "CONSUMERS", SiteKeys.Site.EVENTS.of(SITE), "webhook:sms")) {
      out.put(c.get("name").toString(), c.get("pending").toLong());
    }
    return out;
  }

  private static JsonObject webhooksHealth() {
    return server.get("/health").json().getJsonObject("checks").getJsonObject("webhooks");
  }

  /** A counter of a server's Prometheus text, by webhook and outcome (0 when absent). */
  private static double metric(TestCity at, String name, String webhook, String outcome) {
    String text = at.get("/metrics").body();
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(text);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).contains("webhook=\"" + webhook + "\"") && m.group(1).contains("outcome=\"" + outcome + "\"")) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
