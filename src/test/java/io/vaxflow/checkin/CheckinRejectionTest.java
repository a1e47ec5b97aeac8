package io.vaxflow.checkin;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import io.vaxflow.appointment.Voucher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every check-in rejection of the contract (SPEC "The HTTP API"), against the real server over
 * HTTP: status 422 (404 for an unknown site, 409 for a full booking), the error code, its
 * details, and not one byte of the site's keys in Redis changed by the refused request.
 */
class CheckinRejectionTest {

  private static final String SECRET = "vaxflow-demo-voucher-secret-change-me";
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final AtomicInteger PEOPLE = new AtomicInteger();

  /**
   * The tests share a 2-core machine with other builds: a Redis reply may come later than the
   * production store timeout under that load. Nothing here is about latency, so allow more.
   */
  static final Map<String, String> PATIENT_STORE = Map.of("VAXFLOW_REDIS_TIMEOUTMS", "5000");

  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(PATIENT_STORE));

  // ---- VOUCHER_INVALID ----

  @Test
  void garbageTextIsInvalid() {
    for (String garbage : List.of("hello", "not a voucher at all!", "XH", "XH-0000", "1234567890",
        "XH.20261124.1000.A", "....", "XH0000000.20261124.1000.A.0000000000", "漢字のバウチャー",
        "ZZ-1234-5678" /* no site has code ZZ */, "XH-IIII-LLLL" /* I and L are not in the alphabet */)) {
      JsonObject e = reject(city, "xuhui", new JsonObject().put("voucher", garbage), 422, "VOUCHER_INVALID", "xuhui");
      assertFalse(e.getString("message").isBlank(), garbage);
    }
  }

  @Test
  void wellFormedVoucherWithAWrongSignatureIsInvalid() {
    JsonObject booking = city.book("xuhui", "Zhao Lei", nextId(), null);
    String voucher = booking.getString("voucher");
    String[] parts = voucher.split("\\.");
    assertEquals(5, parts.length, voucher);

    // the last character of the signature changed
    char last = voucher.charAt(voucher.length() - 1);
    String tampered = voucher.substring(0, voucher.length() - 1) + (last == '0' ? '1' : '0');
    reject(city, "xuhui", new JsonObject().put("voucher", tampered), 422, "VOUCHER_INVALID", "xuhui");

    // the signature of another payload: the slot moved, the signature kept
    String movedSlot = String.join(".", parts[0], parts[1], parts[2].equals("0800") ? "0830" : "0800", parts[3], parts[4]);
    reject(city, "xuhui", new JsonObject().put("voucher", movedSlot), 422, "VOUCHER_INVALID", "xuhui");

    // the category raised to priority, the signature kept
    String promoted = String.join(".", parts[0], parts[1], parts[2], "P", parts[4]);
    reject(city, "xuhui", new JsonObject().put("voucher", promoted), 422, "VOUCHER_INVALID", "xuhui");

    // signed with another secret
    String forged = Voucher.sign("some-other-secret-of-16+chars", parts[0], LocalDate.parse(TestCity.TODAY),
        LocalTime.of(10, 0), "A");
    reject(city, "xuhui", new JsonObject().put("voucher", forged), 422, "VOUCHER_INVALID", "xuhui");

    // the untouched voucher still works: the refusals above were about the signature only
    Reply ok = city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", voucher));
    assertEquals(201, ok.status(), ok.body());
  }

  @Test
  void shortCodeOfThisSiteThatWasNeverBookedIsInvalid() {
    reject(city, "xuhui", new JsonObject().put("voucher", "XH-0000-0000"), 422, "VOUCHER_INVALID", "xuhui");
    reject(city, "xuhui", new JsonObject().put("voucher", "xh 7k3m 9q2p"), 422, "VOUCHER_INVALID", "xuhui");
    // even correctly signed (with the server's secret), a code nobody booked is not an appointment
    String signed = Voucher.sign(SECRET, "XH7K3M9Q2P", LocalDate.parse(TestCity.TODAY), LocalTime.of(10, 0), "A");
    reject(city, "xuhui", new JsonObject().put("voucher", signed), 422, "VOUCHER_INVALID", "xuhui");
  }

  // ---- VOUCHER_WRONG_SITE ----

  @Test
  void xuhuiVoucherAtJinganNamesTheRightSite() {
    JsonObject booking = city.book("xuhui", "Qian Yu", nextId(), null);
    for (String given : List.of(booking.getString("voucher"), booking.getString("code"),
        booking.getString("code").toLowerCase(Locale.ROOT))) {
      JsonObject e = reject(city, "jingan", new JsonObject().put("voucher", given), 422, "VOUCHER_WRONG_SITE",
          "jingan", "xuhui");
      assertEquals("xuhui", e.getString("siteId"), e.encode());
    }
    // and at xuhui it checks in
    Reply ok = city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
    assertEquals(201, ok.status(), ok.body());
    assertEquals("xuhui", ok.json().getJsonObject("ticket").getString("siteId"));
  }

  // ---- VOUCHER_WRONG_DAY ----

  @Test
  void voucherForTomorrowNamesItsDay() {
    Reply r = city.booking(new JsonObject().put("name", "Sun Li").put("idNumber", nextId())
        .put("phone", "13800138000").put("dose", 1).put("day", "2026-11-25").put("siteId", "xuhui"));
    assertEquals(201, r.status(), r.body());
    assertEquals("2026-11-25", r.json().getString("day"));
    for (String given : List.of(r.json().getString("voucher"), r.json().getString("code"))) {
      JsonObject e = reject(city, "xuhui", new JsonObject().put("voucher", given), 422, "VOUCHER_WRONG_DAY", "xuhui");
      assertEquals("2026-11-25", e.getString("day"), e.encode());
    }
  }

  // ---- ALREADY_CHECKED_IN ----

  @Test
  void secondCheckInOfAVoucherNamesTheTicket() {
    JsonObject booking = city.book("xuhui", "Zhou Min", nextId(), null);
    Reply first = city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
    assertEquals(201, first.status(), first.body());
    String number = first.json().getJsonObject("ticket").getString("number");
    assertTrue(number.matches("A[0-9]{3,}"), number);

    for (String given : List.of(booking.getString("voucher"), booking.getString("code"),
        " " + booking.getString("code").toLowerCase(Locale.ROOT).replace('-', ' ') + " ")) {
      JsonObject e = reject(city, "xuhui", new JsonObject().put("voucher", given), 422, "ALREADY_CHECKED_IN", "xuhui");
      assertEquals(number, e.getString("number"), e.encode());
    }
    // a new idempotency key does not make it a new check-in
    JsonObject e = reject(city, "xuhui", new JsonObject().put("voucher", booking.getString("voucher")),
        Map.of("Idempotency-Key", "fresh-key-" + PEOPLE.incrementAndGet()), 422, "ALREADY_CHECKED_IN", "xuhui");
    assertEquals(number, e.getString("number"));
  }

  /**
   * An ID number typed at the kiosk proves nothing: a walk-in with someone else's ID number learns
   * nothing of their ticket and blocks nothing (neither their walk-in nor their appointment). The
   * second ticket is marked for the desk, which sees the person and their ID card.
   */
  @Test
  void aWalkInWithAnotherPersonsIdNumberNeitherLearnsTheirNumberNorBlocksThem() {
    String id = nextId();
    String victim = city.walkIn("pudong", "Wu Hua", id).getString("number");
    var stranger = city.post("/api/v1/sites/pudong/checkins",
        new JsonObject().put("walkIn", new JsonObject().put("name", "Mallory").put("idNumber", id).put("dose", 1)));
    assertEquals(201, stranger.status(), stranger.body());
    assertFalse(stranger.body().contains(victim), "the stranger is not told the victim's number: " + stranger.body());
    assertNotEquals(victim, stranger.json().getJsonObject("ticket").getString("number"));

    // Walking in first with a victim's ID number does not block the victim's appointment.
    String booked = nextId();
    String voucher = city.book("pudong", "Qian Li", booked, null).getString("voucher");
    var first = city.post("/api/v1/sites/pudong/checkins",
        new JsonObject().put("walkIn", new JsonObject().put("name", "Mallory").put("idNumber", booked).put("dose", 1)));
    assertEquals(201, first.status(), first.body());
    var own = city.post("/api/v1/sites/pudong/checkins", new JsonObject().put("voucher", voucher));
    assertEquals(201, own.status(), "the victim's own appointment still checks in: " + own.body());
  }

  // ---- WALK_IN_NOT_ALLOWED ----

  @Test
  void walkInsOnlyWhereTheSiteTakesThem() {
    JsonObject walkIn = new JsonObject().put("walkIn", new JsonObject().put("name", "Zheng Hao").put("idNumber", nextId()).put("dose", 1));
    for (String site : List.of("xuhui", "jingan")) {
      JsonObject e = reject(city, site, walkIn, 422, "WALK_IN_NOT_ALLOWED", site, "pudong");
      JsonArray others = e.getJsonArray("walkInSites");
      assertNotNull(others, e.encode());
      assertTrue(others.contains("pudong"), e.encode());
    }
    Reply ok = city.post("/api/v1/sites/pudong/checkins", walkIn);
    assertEquals(201, ok.status(), ok.body());
    assertEquals("W", ok.json().getJsonObject("ticket").getString("category"));
  }

  // ---- the short code typed by a person ----

  @Test
  void shortCodeTypedByAPersonChecksIn() {
    JsonObject seen = new JsonObject();
    for (var typing : List.<java.util.function.UnaryOperator<String>>of(
        code -> code,                                                   // XH-7K3M-9Q2P
        code -> code.toLowerCase(Locale.ROOT),                          // xh-7k3m-9q2p
        code -> "  " + code.toLowerCase(Locale.ROOT).replace("-", " ") + " ", // "  xh 7k3m 9q2p "
        code -> code.replace("-", ""),                                  // XH7K3M9Q2P
        code -> code.substring(0, 2) + " - " + code.substring(3))) {    // "XH - 7K3M-9Q2P"
      JsonObject booking = city.book("xuhui", "Feng Yan", nextId(), null);
      String code = booking.getString("code");
      assertTrue(code.matches("XH-[0-9A-Z]{4}-[0-9A-Z]{4}"), code);
      String typed = typing.apply(code);
      Reply r = city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", typed));
      assertEquals(201, r.status(), "typed \"" + typed + "\": " + r.body());
      JsonObject ticket = r.json().getJsonObject("ticket");
      assertEquals("A", ticket.getString("category"));
      assertEquals("xuhui", ticket.getString("siteId"));
      assertFalse(seen.containsKey(ticket.getString("number")), "a new number for each person");
      seen.put(ticket.getString("number"), typed);
    }
  }

  @Test
  void priorityBookingChecksInAsAPriorityTicketByShortCode() {
    JsonObject booking = city.book("xuhui", "Chen Mei", nextId(), "elderly");
    Reply r = city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", booking.getString("code").toLowerCase(Locale.ROOT)));
    assertEquals(201, r.status(), r.body());
    assertEquals("P", r.json().getJsonObject("ticket").getString("category"));
  }

  // ---- UNKNOWN_SITE ----

  @Test
  void unknownSiteIs404() {
    JsonObject booking = city.book("xuhui", "He Jun", nextId(), null);
    for (String site : List.of("nowhere", "XUHUI", "xuhui2")) {
      Map<String, String> before = dumpAll(city);
      Reply r = city.post("/api/v1/sites/" + site + "/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
      assertEquals(404, r.status(), site + ": " + r.body());
      assertEquals("UNKNOWN_SITE", r.errorCode());
      assertUnchanged(before, dumpAll(city), "a check-in at " + site);
    }
  }

  // ---- TOO_EARLY and NO_CAPACITY: a city with one person per slot ----

  @Test
  void tooEarlyNamesWhenToComeBackAndFullSitesAreNotBooked() {
    Map<String, String> overrides = new HashMap<>(PATIENT_STORE);
    overrides.put("VAXFLOW_SITES_XUHUI_SLOTCAPACITY", "1");
    overrides.put("VAXFLOW_SITES_JINGAN_SLOTCAPACITY", "1");
    overrides.put("VAXFLOW_FLOW_CHECKINEARLYMIN", "10");
    try (TestCity tiny = TestCity.start(overrides)) {
      // TOO_EARLY: it is 10:00; three people take the 10:00, 10:30 and 11:00 slots
      JsonObject first = tiny.book("xuhui", "Lu Wei", nextId(), null);
      JsonObject second = tiny.book("xuhui", "Lu Na", nextId(), null);
      JsonObject third = tiny.book("xuhui", "Lu Tao", nextId(), null);
      assertEquals("10:00", first.getString("slot"));
      assertEquals("10:30", second.getString("slot"));
      assertEquals("11:00", third.getString("slot"));

      for (JsonObject b : List.of(third, second)) {
        OffsetDateTime expected = LocalDate.parse(TestCity.TODAY).atTime(LocalTime.parse(b.getString("slot")))
            .minusMinutes(10).atZone(SHANGHAI).toOffsetDateTime();
        for (String given : List.of(b.getString("voucher"), b.getString("code"))) {
          JsonObject e = reject(tiny, "xuhui", new JsonObject().put("voucher", given), 422, "TOO_EARLY", "xuhui");
          String from = e.getString("from");
          assertNotNull(from, e.encode());
          OffsetDateTime parsed = OffsetDateTime.parse(from); // ISO-8601 with offset, or this throws
          assertEquals(ZoneOffset.ofHours(8), parsed.getOffset(), from);
          assertEquals(expected.toInstant(), parsed.toInstant(), from);
          assertTrue(e.getString("message").contains(String.format("%02d:%02d", expected.getHour(), expected.getMinute())),
              e.getString("message"));
        }
      }
      // the 10:00 slot is within its 10 minutes: it checks in
      Reply ok = tiny.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", first.getString("voucher")));
      assertEquals(201, ok.status(), ok.body());

      // NO_CAPACITY: fill every slot left today at jingan (10:00 … 16:30, one person each)
      int booked = 0;
      Reply r;
      while (true) {
        r = tiny.booking(person("jingan"));
        if (r.status() != 201) break;
        assertEquals("jingan", r.json().getString("siteId"));
        assertTrue(++booked <= 14, "more bookings than slots: " + r.body());
      }
      assertEquals(14, booked, "slots left today at jingan");
      assertEquals(409, r.status(), r.body());
      assertEquals("NO_CAPACITY", r.errorCode());

      Map<String, String> jingan = tiny.siteDump("jingan");
      Map<String, String> all = dumpAll(tiny);
      for (int i = 0; i < 3; i++) {
        Reply full = tiny.booking(person("jingan"));
        assertEquals(409, full.status(), full.body());
        assertEquals("NO_CAPACITY", full.errorCode());
        assertTrue(full.headers().get("Content-Type").startsWith("application/json"));
        assertFalse(full.json().getJsonObject("error").getString("message").isBlank());
      }
      assertUnchanged(jingan, tiny.siteDump("jingan"), "a refused booking, at jingan");
      assertUnchanged(all, dumpAll(tiny), "a refused booking, anywhere");

      // without a site: Jing'an Temple is nearest to jingan, which is full; the next nearest with room is xuhui
      for (JsonObject where : List.of(new JsonObject().put("community", "Jing'an Temple"),
          new JsonObject().put("lat", 31.2290).put("lon", 121.4460))) {
        JsonObject body = person(null);
        where.forEach(e -> body.put(e.getKey(), e.getValue()));
        Reply elsewhere = tiny.booking(body);
        assertEquals(201, elsewhere.status(), elsewhere.body());
        assertEquals("xuhui", elsewhere.json().getString("siteId"), elsewhere.body());
        assertTrue(elsewhere.json().getString("code").startsWith("XH-"), elsewhere.body());
        assertTrue(elsewhere.json().getString("reason").contains("Xuhui"), elsewhere.body());
      }
      assertUnchanged(jingan, tiny.siteDump("jingan"), "the dispatcher's attempt at full jingan");

      // but with room at jingan (tomorrow), the nearest site is chosen
      JsonObject tomorrow = person(null).put("community", "Jing'an Temple").put("day", "2026-11-25");
      Reply near = tiny.booking(tomorrow);
      assertEquals(201, near.status(), near.body());
      assertEquals("jingan", near.json().getString("siteId"), near.body());
    }
  }

  // ---- helpers ----

  private static JsonObject person(String site) {
    JsonObject b = new JsonObject().put("name", "Tang Ming").put("idNumber", nextId()).put("phone", "13800138000")
        .put("dose", 1).put("day", TestCity.TODAY);
    if (site != null) b.put("siteId", site);
    return b;
  }

  private static String nextId() {
    return Ids.resident(31, PEOPLE.incrementAndGet());
  }

  private static Map<String, String> dumpAll(TestCity c) {
    Map<String, String> all = new java.util.TreeMap<>();
    for (String site : List.of("xuhui", "jingan", "pudong")) all.putAll(c.siteDump(site));
    return all;
  }

  private static JsonObject reject(TestCity c, String site, JsonObject body, int status, String code, String... dumped) {
    return reject(c, site, body, Map.of(), status, code, dumped);
  }

  /**
   * Posts a check-in that must be refused with {@code status} and {@code code}; the keys of every
   * site in {@code dumped} are byte-for-byte the same afterwards. Returns the error object.
   */
  private static JsonObject reject(TestCity c, String site, JsonObject body, Map<String, String> headers,
                                   int status, String code, String... dumped) {
    Map<String, Map<String, String>> before = new HashMap<>();
    for (String s : dumped) before.put(s, c.siteDump(s));
    Reply r = c.send(io.vertx.core.http.HttpMethod.POST, "/api/v1/sites/" + site + "/checkins", null, headers, body.toBuffer());
    String what = "check-in at " + site + " with " + body.encode();
    assertEquals(status, r.status(), what + ": " + r.body());
    assertTrue(r.headers().get("Content-Type").startsWith("application/json"), what);
    JsonObject error = r.json().getJsonObject("error");
    assertNotNull(error, what + ": " + r.body());
    assertEquals(code, error.getString("code"), what + ": " + r.body());
    assertFalse(error.getString("message", "").isBlank(), what + ": " + r.body());
    for (String s : dumped) {
      Map<String, String> after = c.siteDump(s);
      assertUnchanged(before.get(s), after, what + " (keys of " + s + ")");
    }
    return error;
  }

  /** The keys are byte-for-byte what they were; else the message names each key that differs. */
  private static void assertUnchanged(Map<String, String> before, Map<String, String> after, String what) {
    if (!before.equals(after)) fail(what + ": keys in Redis changed:" + TestCity.dumpDiff(before, after));
  }
}
