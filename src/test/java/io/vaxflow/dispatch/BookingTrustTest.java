package io.vaxflow.dispatch;

import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.notify.Receiver;
import io.vaxflow.support.ContractCheck;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.Ids;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's attacks on booking, replayed (README "Bookings"): a stranger with someone's ID number (1), a rebooking
 * that would lose a safety flag (2), a bot farm booking a day out (3); and what stops them: a booking belongs to the
 * phone that receives its codes, one booking per dose across the city, ID numbers checked, a phone's bookings a day
 * limited, cancellations that free the slot. One city for the class on a simulated clock (codes expire when the test
 * moves it), with the city's SMS gateway as a real receiver of {@code otp} webhooks; each test keeps to its own site
 * and day, and people and phones of its own, so none sees another's bookings.
 */
class BookingTrustTest {

  private static final String SMS_SECRET = "the-city-sms-gateway-secret";
  private static final String BOOK = "/api/v1/bookings";
  private static final long HIGH_MS = 30 * 60_000L;
  /** The days the tests book, each test its own: the bot farm's, the double booking's, the family's, production's. */
  private static final String BOT_DAY = "2026-11-25", TWICE_DAY = "2026-11-26", FAMILY_DAY = "2026-11-27", PROD_DAY = "2026-11-28";
  private static final AtomicInteger PHONES = new AtomicInteger();
  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);

  private static Receiver sms;
  private static TestCity city;

  @BeforeAll
  static void start() {
    sms = Receiver.start(SMS_SECRET);
    Map<String, String> settings = new HashMap<>(webhook());
    // the shipped limits (TestCity lifts them for other tests): 4 bookings a phone a day, 5 codes a phone an hour
    settings.put("VAXFLOW_BOOKING_MAXPERPHONE", "4");
    settings.put("VAXFLOW_BOOKING_CODESPERPHONEHOUR", "5");
    // jingan: one person a slot, so a day fills with 18 bookings (08:00-17:00, 30 minutes)
    settings.put("VAXFLOW_SITES_JINGAN_SLOTCAPACITY", "1");
    city = TestCity.startOn(CLOCK, settings);
  }

  @AfterAll
  static void stop() {
    try {
      if (city != null) city.close();
    } finally {
      sms.close();
    }
  }

  private static Map<String, String> webhook() {
    return sms.webhook(0, "sms", "/sms", "otp,reminder");
  }

  /** A phone number of its own for each use. */
  private static String phone() {
    return String.format("137%08d", PHONES.incrementAndGet());
  }

  private static JsonObject person(String name, String idNumber, String phone, String day, String site) {
    return new JsonObject().put("name", name).put("idNumber", idNumber).put("phone", phone).put("dose", 1).put("day", day)
        .put("siteId", site);
  }

  private static JsonObject who(String idNumber, String phone) {
    return new JsonObject().put("idNumber", idNumber).put("phone", phone);
  }

  /** The error body holds its code and message and nothing else: nothing of anyone's booking. */
  private static void saysNothingMore(Reply r) {
    JsonObject error = r.json().getJsonObject("error");
    assertEquals(java.util.Set.of("code", "message"), error.fieldNames(), r.body());
    assertEquals(java.util.Set.of("error"), r.json().fieldNames(), r.body());
  }

  // ---- attack 1: voucher theft ----

  @Test
  void aBookingWithSomeoneElsesIdNumberGetsNothingOfTheirs() {
    String victimPhone = phone(), thiefPhone = phone();
    String id = Ids.resident(50, 1);
    JsonObject victim = ok201(city.booking(person("Wang Fang", id, victimPhone, TestCity.TODAY, "xuhui")));
    Map<String, String> before = state("xuhui");

    // today's attack: the victim's ID number, any name and phone
    Reply stolen = city.post(BOOK, person("Mallory Thief", id, thiefPhone, TestCity.TODAY, "xuhui"));
    expectError(stolen, 409, "ALREADY_BOOKED", "a booking with the victim's ID number");
    saysNothingMore(stolen);
    for (String secret : List.of(victim.getString("appointmentId"), victim.getString("code"), victim.getString("voucher"),
        victimPhone, "Wang Fang", "09:", "xuhui")) {
      assertFalse(stolen.body().contains(secret), "the reply holds " + secret + ": " + stolen.body());
    }
    // guessing a code gets nothing either (no code was sent to that phone)
    Reply guessed = city.post(BOOK, person("Mallory Thief", id, thiefPhone, TestCity.TODAY, "xuhui").put("code", "000000"));
    expectError(guessed, 422, "CODE_INVALID", "a guessed code");
    assertEquals(0, guessed.json().getJsonObject("error").getInteger("attemptsLeft"));
    // the thief proves their own phone: a look-up finds nothing, a cancellation cancels nothing
    Reply looked = city.withCode(BOOK + "/lookup", who(id, thiefPhone));
    assertEquals(new JsonArray(), ok(looked, "the thief's look-up").getJsonArray("bookings"));
    Reply cancelled = city.withCode(BOOK + "/cancel", who(id, thiefPhone).put("dose", 1));
    expectError(cancelled, 404, "NO_BOOKING", "the thief's cancellation");
    assertEquals(before, state("xuhui"), "nothing of xuhui changed: " + TestCity.dumpDiff(before, state("xuhui")));

    // the victim looks their booking up with their own phone and checks in with it
    JsonArray mine = ok(city.withCode(BOOK + "/lookup", who(id, victimPhone)), "the victim's look-up").getJsonArray("bookings");
    assertEquals(1, mine.size(), mine.encode());
    assertEquals(victim.getString("voucher"), mine.getJsonObject(0).getString("voucher"));
    assertEquals(201, city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", victim.getString("voucher"))).status());
  }

  // ---- attack 2: a safety flag lost ----

  @Test
  void aChangeWithoutTheCodeChangesNothingAndWithItIsAppliedRecordedAndObserved() {
    String phone = phone(), otherPhone = phone();
    String id = Ids.resident(51, 1);
    JsonObject booking = ok201(city.booking(person("Chen Hua", id, phone, TestCity.TODAY, "pudong")));
    Map<String, String> before = state("pudong");

    // today's attack: booking again with the flag returned the first booking and kept anaphylaxis 0
    Reply again = city.booking(person("Someone Else", id, otherPhone, TestCity.TODAY, "pudong").put("anaphylaxisHistory", true));
    expectError(again, 409, "ALREADY_BOOKED", "booking again with the flag");
    saysNothingMore(again);
    // a change without the code sends one to the phone and changes nothing
    JsonObject change = who(id, phone).put("dose", 1).put("anaphylaxisHistory", true);
    int texts = sms.codesTo(phone).size();
    Reply asked = city.post(BOOK + "/change", change);
    assertEquals(202, asked.status(), asked.body());
    assertEquals("137****" + phone.substring(7), asked.json().getString("to"));
    // ... with a wrong code, or another phone's code, neither
    expectError(city.post(BOOK + "/change", change.copy().put("code", wrong(asked.json().getString("demoCode")))), 422, "CODE_INVALID", "a wrong code");
    expectError(city.withCode(BOOK + "/change", who(id, otherPhone).put("dose", 1).put("anaphylaxisHistory", true)), 404,
        "NO_BOOKING", "a change with another phone's code");
    assertEquals(before, state("pudong"), "nothing of pudong changed: " + TestCity.dumpDiff(before, state("pudong")));

    // the code as the person reads it in the text message (the SMS gateway's otp webhook), end to end
    String code = sms.code(phone, "change", texts, 10_000);
    assertEquals(asked.json().getString("demoCode"), code, "the demo page shows the code that was texted");
    JsonObject changed = ok(city.post(BOOK + "/change", change.copy().put("code", code)), "the change with the code");
    assertEquals(new JsonArray().add("anaphylaxisHistory"), changed.getJsonArray("changed"));
    assertTrue(changed.getJsonObject("booking").getBoolean("anaphylaxisHistory"));
    assertEquals(booking.getString("voucher"), changed.getJsonObject("booking").getString("voucher"), "the same booking");
    // recorded: one booking_changed event naming the appointment and what changed, nothing personal
    String manager = city.login("manager", "2468");
    List<FlowKit.Event> events = FlowKit.events(city, manager).stream().filter(e -> e.type().equals("booking_changed"))
        .filter(e -> booking.getString("appointmentId").equals(e.detail("appointment"))).toList();
    assertEquals(1, events.size(), events.toString());
    assertEquals("anaphylaxisHistory", events.get(0).detail("changed"));
    for (String personal : List.of(id, phone, "Chen Hua")) assertFalse(events.get(0).toString().contains(personal), events.get(0).toString());
    // the code is used up
    expectError(city.post(BOOK + "/change", change.copy().put("code", code)), 422, "CODE_INVALID", "the code used again");

    // and it reaches the ticket: checked in, through the desk and the booth, observed 30 minutes
    Reply checkin = city.post(FlowKit.API + "/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
    assertEquals(201, checkin.status(), checkin.body());
    String number = checkin.json().getJsonObject("ticket").getString("number");
    String door = city.login("door", "1357"), desk = city.login("desk", "1234"), booth = city.login("booth", "4321");
    ok(FlowKit.scan(city, door, number), "scan");
    assertEquals(number, ok(FlowKit.next(city, desk, "desk-1"), "desk next").getJsonObject("ticket").getString("number"));
    ok(FlowKit.act(city, desk, "desk-1", "start"), "desk start");
    ok(FlowKit.act(city, desk, "desk-1", "done"), "desk done");
    city.openVial(FlowKit.SITE, booth, "booth-1");
    assertEquals(number, ok(FlowKit.next(city, booth, "booth-1"), "booth next").getJsonObject("ticket").getString("number"));
    ok(FlowKit.act(city, booth, "booth-1", "start"), "booth start");
    ok(FlowKit.act(city, booth, "booth-1", "done"), "booth done");
    JsonObject observed = ok(city.get(FlowKit.API + "/observation", city.login("observer", "9753")), "observation").getJsonArray("people")
        .stream().map(JsonObject.class::cast).filter(p -> number.equals(p.getString("number"))).findFirst().orElseThrow();
    assertEquals("high", observed.getString("risk"));
    assertEquals(HIGH_MS, ms(observed.getString("until")) - ms(observed.getString("from")), observed.encode());
    // once checked in, a booking is not changed any more
    expectError(city.withCode(BOOK + "/change", who(id, phone).put("dose", 1).put("anaphylaxisHistory", false)), 422,
        "ALREADY_CHECKED_IN", "a change after the check-in");
  }

  // ---- attack 3: a day booked out by a bot ----

  /**
   * 200 addresses (through the trusted loopback proxy: X-Forwarded-For) send 10 booking attempts each for jingan
   * tomorrow: random 18-digit numbers, junk such as AAAAAA, numbers with a wrong check digit, and made-up numbers with
   * a right one (the bot knows GB 11643), whose code goes to the bot's phones and which then guess a code. No slot is
   * taken and no dose claimed; a real person then books the day.
   */
  @Test
  void twoThousandBotAttemptsFromTwoHundredAddressesTakeNoSlot() {
    Random r = new Random(17);
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    Map<String, Integer> codes = new ConcurrentHashMap<>();
    List<JsonObject> attempts = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int a = 0; a < 200; a++) {
      for (int k = 0; k < 10; k++) {
        String id = switch (k % 10) {
          case 0, 1, 2 -> String.format("%018d", Math.floorMod(r.nextLong(), 1_000_000_000_000_000_000L)); // random 18 digits
          case 3 -> "AAAAAA";
          case 4 -> one(r, List.of("A12345", "310101199001011", "3101011990010112345", "ABCDEFGHIJKLMNOPQR", "110101000000000000"));
          case 5, 6 -> Ids.wrongCheckDigit(Ids.resident(60 + a % 30, r.nextInt(1_000_000)));
          default -> Ids.resident(60 + a % 30, r.nextInt(1_000_000)); // a made-up number with a right check digit
        };
        attempts.add(person("Bot Person", id, String.format("186%08d", a * 10 + k), BOT_DAY, "jingan"));
        addresses.add("198.18." + (a / 100) + "." + (a % 100 + 1));
      }
    }
    AtomicInteger next = new AtomicInteger();
    long claimedBefore = keys("vf:{city}:dose:*");
    long started = System.nanoTime();
    Future.all(java.util.stream.IntStream.range(0, 40).mapToObj(lane -> bot(attempts, addresses, next, r, statuses, codes)).toList()).await();
    double seconds = (System.nanoTime() - started) / 1e9;
    for (HttpResponse<Buffer> a : ANSWERS) ContractCheck.response(city.vertx, HttpMethod.POST, BOOK, a.statusCode(), a.headers(), a.bodyAsString());

    long slots = 0;
    for (String site : List.of("xuhui", "jingan", "pudong")) {
      Response held = city.redis(Command.HVALS, "vf:{" + site + "}:slots:" + BOT_DAY);
      for (Response n : held) slots += n.toLong();
    }
    long claims = keys("vf:{city}:dose:*") - claimedBefore;
    System.out.printf("bot farm: %d attempts from 200 addresses in %.1f s: statuses %s, errors %s; slots taken %d, doses claimed %d%n",
        attempts.size(), seconds, new TreeMap<>(statuses), new TreeMap<>(codes), slots, claims);
    assertEquals(2000, statuses.values().stream().mapToInt(Integer::intValue).sum(), "every attempt answered: " + statuses);
    assertEquals(0, slots, "slots the bots took");
    assertEquals(0, claims, "doses the bots claimed");
    assertFalse(statuses.containsKey(201), "no booking: " + statuses);
    assertTrue(codes.getOrDefault("INVALID_INPUT", 0) >= 1000, "most refused at the edge: " + codes);
    assertTrue(codes.getOrDefault("CODE_INVALID", 0) > 0, "the well-formed ones stopped by the code: " + codes);

    // the next real person gets the day's first slot
    JsonObject real = ok201(city.booking(person("Real Person", Ids.resident(52, 1), phone(), BOT_DAY, "jingan")));
    assertEquals("08:00", real.getString("slot"));
  }

  /** One bot lane: the next attempt from its address; a 202 (a code to the bot's phone) is followed by a guess. */
  private static Future<Void> bot(List<JsonObject> attempts, List<String> addresses, AtomicInteger next, Random r,
                                  Map<Integer, Integer> statuses, Map<String, Integer> codes) {
    int i = next.getAndIncrement();
    if (i >= attempts.size()) return Future.succeededFuture();
    JsonObject body = attempts.get(i);
    String from = addresses.get(i);
    String guess;
    synchronized (r) {
      guess = String.format("%06d", r.nextInt(1_000_000));
    }
    return send(BOOK, body, from).compose(first -> {
      if (first.statusCode() != 202) return Future.succeededFuture(first);
      return send(BOOK, body.copy().put("code", guess), from);
    }).compose(last -> {
      statuses.merge(last.statusCode(), 1, Integer::sum);
      JsonObject json = last.bodyAsJsonObject();
      if (json.containsKey("error")) codes.merge(json.getJsonObject("error").getString("code"), 1, Integer::sum);
      return bot(attempts, addresses, next, r, statuses, codes);
    });
  }

  /** The bots' answers, checked against the contract on the test's thread afterwards (the check waits). */
  private static final java.util.Queue<HttpResponse<Buffer>> ANSWERS = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private static Future<HttpResponse<Buffer>> send(String path, JsonObject body, String from) {
    return city.http.post(path).putHeader("Content-Type", "application/json").putHeader("X-Forwarded-For", from)
        .sendBuffer(body.toBuffer()).onSuccess(ANSWERS::add);
  }

  // ---- one booking per dose across the city; a cancellation frees the slot ----

  @Test
  void aPersonHoldsOneBookingPerDoseAndACancellationGivesTheSlotToTheNextPerson() {
    String phone = phone();
    String id = Ids.resident(53, 1);
    JsonObject first = ok201(city.booking(person("Zhou Min", id, phone, TWICE_DAY, "jingan")));
    // the same person, dose 1, another site the same day, or another day: refused, nothing of the first said
    for (JsonObject again : List.of(person("Zhou Min", id, phone(), TWICE_DAY, "xuhui"), person("Zhou Min", id, phone, FAMILY_DAY, "pudong"))) {
      Reply r = city.booking(again);
      expectError(r, 409, "ALREADY_BOOKED", "again " + again.encode());
      saysNothingMore(r);
    }
    // the second dose is another booking
    ok201(city.booking(person("Zhou Min", id, phone, TWICE_DAY, "xuhui").put("dose", 2)));

    // the day at jingan fills (one person a slot); the next person is refused
    for (int i = 0; i < 17; i++) ok201(city.booking(person("Day Filler", Ids.resident(54, i), phone(), TWICE_DAY, "jingan")));
    JsonObject nextPerson = person("Next Person", Ids.resident(55, 1), phone(), TWICE_DAY, "jingan");
    expectError(city.booking(nextPerson), 409, "NO_CAPACITY", "the full day");

    // Zhou Min cancels with the code of their phone: the slot, the reminder and the claim go
    String key = "vf:{jingan}:slots:" + TWICE_DAY;
    assertEquals("1", city.redis(Command.HGET, key, first.getString("slot")).toString());
    JsonObject cancelled = ok(city.withCode(BOOK + "/cancel", who(id, phone).put("dose", 1)), "the cancellation").getJsonObject("cancelled");
    assertEquals(first.getString("appointmentId"), cancelled.getString("appointmentId"));
    assertEquals("0", city.redis(Command.HGET, key, first.getString("slot")).toString());
    assertNull(city.redis(Command.ZSCORE, "vf:{jingan}:reminders", first.getString("appointmentId")), "the reminder is off");
    assertEquals(0, city.redis(Command.EXISTS, "vf:{jingan}:appt:" + first.getString("appointmentId")).toInteger());
    Reply csv = city.get("/api/v1/sites/jingan/events.csv", city.login("manager", "2468"));
    assertTrue(FlowKit.csv(csv.body()).stream().anyMatch(row -> row.get(2).equals("booking_cancelled")
        && row.get(8).contains("appointment=" + first.getString("appointmentId")) && row.get(8).contains("reason=cancelled")),
        "a booking_cancelled event: " + csv.body());
    // the next person gets that slot
    JsonObject theirs = ok201(city.booking(nextPerson));
    assertEquals(first.getString("slot"), theirs.getString("slot"));
    // cancelled twice: there is nothing left to cancel; and the person may book dose 1 again
    expectError(city.withCode(BOOK + "/cancel", who(id, phone).put("dose", 1)), 404, "NO_BOOKING", "cancelled again");
    ok201(city.booking(person("Zhou Min", id, phone, TWICE_DAY, "pudong")));
  }

  // ---- a change of day or site ----

  @Test
  void aChangeOfDayOrSiteIsANewSlotThereAndFreesTheOldOne() {
    String phone = phone(), id = Ids.resident(61, 1);
    String day = "2026-11-30", later = "2026-12-01";
    JsonObject first = ok201(city.booking(person("Sun Yue", id, phone, day, "xuhui")));
    String old = first.getString("appointmentId");

    JsonObject moved = ok(city.withCode(BOOK + "/change", who(id, phone).put("dose", 1).put("day", later)), "another day");
    assertEquals(new JsonArray().add("day"), moved.getJsonArray("changed"));
    JsonObject b = moved.getJsonObject("booking");
    assertEquals(later, b.getString("day"));
    assertEquals("xuhui", b.getString("siteId"));
    assertNotEquals(old, b.getString("appointmentId"), "a new appointment (the old voucher is void)");
    assertEquals(0, city.redis(Command.EXISTS, "vf:{xuhui}:appt:" + old).toInteger());
    assertEquals("0", city.redis(Command.HGET, "vf:{xuhui}:slots:" + day, first.getString("slot")).toString(), "the old slot freed");
    expectError(city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", first.getString("voucher"))), 422,
        "VOUCHER_INVALID", "the old voucher");

    JsonObject elsewhere = ok(city.withCode(BOOK + "/change", who(id, phone).put("dose", 1).put("siteId", "pudong")
        .put("anaphylaxisHistory", true)), "another site").getJsonObject("booking");
    assertEquals("pudong", elsewhere.getString("siteId"));
    assertEquals(later, elsewhere.getString("day"));
    assertTrue(elsewhere.getBoolean("anaphylaxisHistory"));
    assertEquals("0", city.redis(Command.HGET, "vf:{xuhui}:slots:" + later, b.getString("slot")).toString(), "xuhui's slot freed");

    // recorded where each happened: xuhui moved the day and gave the booking up to pudong; pudong took it
    String manager = city.login("manager", "2468");
    List<List<String>> xuhui = FlowKit.csv(city.get("/api/v1/sites/xuhui/events.csv", manager).body());
    assertTrue(xuhui.stream().anyMatch(r -> r.get(2).equals("booking_changed") && r.get(8).contains("changed=day")
        && r.get(8).contains("previous=xuhui/" + old)), "the day's change at xuhui");
    assertTrue(xuhui.stream().anyMatch(r -> r.get(2).equals("booking_cancelled") && r.get(8).contains("reason=changed")
        && r.get(8).contains("movedTo=pudong/" + elsewhere.getString("appointmentId"))), "the move to pudong at xuhui");
    List<List<String>> pudong = FlowKit.csv(city.get("/api/v1/sites/pudong/events.csv", manager).body());
    assertTrue(pudong.stream().anyMatch(r -> r.get(2).equals("booking_changed") && r.get(8).contains("changed=site,anaphylaxisHistory")),
        "the booking taken at pudong");
    for (List<List<String>> rows : List.of(xuhui, pudong)) {
      for (List<String> r : rows) assertFalse(String.join(",", r).contains(id) || String.join(",", r).contains(phone), r.toString());
    }
    // one booking still: the person's look-up shows the one at pudong
    JsonArray mine = ok(city.withCode(BOOK + "/lookup", who(id, phone)), "look-up").getJsonArray("bookings");
    assertEquals(1, mine.size(), mine.encode());
    assertEquals(elsewhere.getString("appointmentId"), mine.getJsonObject(0).getString("appointmentId"));
  }

  // ---- a phone's bookings of a day ----

  @Test
  void aPhoneHoldsAtMostFourBookingsADay() {
    String family = phone();
    for (int i = 0; i < 4; i++) ok201(city.booking(person("Li Family", Ids.resident(56, i), family, FAMILY_DAY, "xuhui")));
    Reply fifth = city.post(BOOK, person("Li Family", Ids.resident(56, 4), family, FAMILY_DAY, "xuhui"));
    expectError(fifth, 409, "PHONE_LIMIT", "a fifth booking with the phone");
    assertEquals(4, fifth.json().getJsonObject("error").getInteger("max"));
    // another day is another day
    ok201(city.booking(person("Li Family", Ids.resident(56, 4), family, "2026-11-29", "xuhui")));
  }

  // ---- the codes ----

  @Test
  void aCodeTakesFiveTriesAndFiveMinutesAndAPhoneGetsFiveAnHour() {
    String phone = phone();
    JsonObject me = who(Ids.resident(57, 1), phone);
    String code = city.post(BOOK + "/lookup", me).json().getString("demoCode");
    assertTrue(code.matches("\\d{6}"), code);
    for (int left = 4; left >= 0; left--) {
      Reply r = city.post(BOOK + "/lookup", me.copy().put("code", wrong(code)));
      expectError(r, 422, "CODE_INVALID", "a wrong code");
      assertEquals(left, r.json().getJsonObject("error").getInteger("attemptsLeft"));
    }
    expectError(city.post(BOOK + "/lookup", me.copy().put("code", code)), 422, "CODE_INVALID", "the right code after five wrong ones");

    // five minutes
    String fresh = city.post(BOOK + "/lookup", me).json().getString("demoCode");
    CLOCK.advance(Duration.ofSeconds(301));
    expectError(city.post(BOOK + "/lookup", me.copy().put("code", fresh)), 422, "CODE_INVALID", "a code after five minutes");

    // five codes an hour for a phone (two sent above), whoever asks
    for (int i = 0; i < 3; i++) assertEquals(202, city.post(BOOK + "/lookup", who(Ids.resident(57, 2 + i), phone)).status());
    Reply sixth = city.post(BOOK + "/lookup", me);
    expectError(sixth, 429, "RATE_LIMITED", "a sixth code within the hour");
    assertTrue(Integer.parseInt(sixth.headers().get("Retry-After")) > 0);
    CLOCK.advance(Duration.ofMinutes(13)); // a token back (one each 12 minutes)
    assertEquals(202, city.post(BOOK + "/lookup", me).status());
  }

  // ---- ID numbers ----

  @Test
  void idNumbersAreCheckedForBookingsLookupsAndWalkIns() {
    String good = Ids.resident(58, 1);
    Map<String, JsonObject> bad = new java.util.LinkedHashMap<>();
    bad.put("a wrong check digit", who(Ids.wrongCheckDigit(good), phone()));
    bad.put("AAAAAA", who("AAAAAA", phone()));
    bad.put("17 digits", who(good.substring(0, 17), phone()));
    bad.put("an unknown province", who(Ids.valid("99" + good.substring(2, 17)), phone()));
    bad.put("13th month", who(Ids.valid("31010119901301123"), phone()));
    bad.put("born tomorrow", who(Ids.valid("31010120261125123"), phone()));
    bad.put("a passport of 4", who("E123", phone()).put("idType", "passport"));
    bad.put("a passport without digits", who("ABCDEFG", phone()).put("idType", "passport"));
    bad.put("a Hong Kong permit of 7 digits", who("H1234567", phone()).put("idType", "hk_macau"));
    bad.put("a Taiwan permit with a letter", who("1234567A", phone()).put("idType", "taiwan"));
    bad.put("a foreign permanent ID with a wrong check digit", who(Ids.wrongCheckDigit(Ids.valid("93101119800101123")), phone())
        .put("idType", "foreign_permanent"));
    Map<String, String> before = cityDump();
    for (Map.Entry<String, JsonObject> c : bad.entrySet()) {
      for (String path : List.of(BOOK, BOOK + "/lookup")) {
        JsonObject body = path.equals(BOOK) ? c.getValue().copy().put("name", "Xu Lei").put("dose", 1).put("day", TestCity.TODAY)
            .put("siteId", "xuhui") : c.getValue();
        Reply r = city.post(path, body);
        expectError(r, 400, "INVALID_INPUT", c.getKey() + " at " + path);
        assertEquals("idNumber", r.json().getJsonObject("error").getString("field"), c.getKey() + ": " + r.body());
      }
      JsonObject walkIn = new JsonObject().put("name", "Xu Lei").put("idNumber", c.getValue().getString("idNumber")).put("dose", 1);
      if (c.getValue().containsKey("idType")) walkIn.put("idType", c.getValue().getString("idType"));
      Reply w = city.post(FlowKit.API + "/checkins", new JsonObject().put("walkIn", walkIn));
      expectError(w, 400, "INVALID_INPUT", c.getKey() + " at the kiosk");
      assertEquals("idNumber", w.json().getJsonObject("error").getString("field"));
    }
    assertEquals(before, cityDump(), "nothing changed by refused ID numbers: " + TestCity.dumpDiff(before, cityDump()));

    // the documents as they are: a code is sent
    Map<String, JsonObject> fine = new java.util.LinkedHashMap<>();
    fine.put("resident", who(good, phone()));
    fine.put("resident with x", who(Ids.valid("31010119900101001").toLowerCase(), phone()));
    fine.put("passport", who("E12345678", phone()).put("idType", "passport"));
    fine.put("hk_macau", who("H12345678", phone()).put("idType", "hk_macau"));
    fine.put("taiwan", who("12345678", phone()).put("idType", "taiwan"));
    fine.put("foreign_permanent 2017", who("USA310000000001", phone()).put("idType", "foreign_permanent"));
    fine.put("foreign_permanent 2023", who(Ids.valid("93101119800101123"), phone()).put("idType", "foreign_permanent"));
    fine.forEach((what, body) -> assertEquals(202, city.post(BOOK + "/lookup", body).status(), what));
  }

  // ---- outside demo mode ----

  /**
   * A server outside demo mode on the same Redis (its own secret: its people are keyed apart): the reply says where
   * the code went and never shows it; the code comes by text (the receiver's otp delivery), and the city's stream holds
   * neither code nor phone. One address asks for at most booking.codesPerAddressHour codes.
   */
  @Test
  void outsideDemoModeTheCodeComesOnlyByTextMessage() {
    Map<String, String> production = new HashMap<>(webhook());
    production.put("DEMO", "false");
    production.put("VOUCHER_SECRET", "a-production-secret-of-this-test");
    production.put("PUBLIC_URL", "http://127.0.0.1"); // outside demo mode a server without it refuses to start
    production.put("VAXFLOW_BOOKING_CODESPERADDRESSHOUR", "3");
    TestCity prod = TestCity.on(city.redis, CLOCK, production);
    try {
      String phone = phone();
      JsonObject b = person("Guo Jing", Ids.resident(59, 1), phone, PROD_DAY, "xuhui");
      int texts = sms.codesTo(phone).size();
      Reply sent = prod.post(BOOK, b);
      assertEquals(202, sent.status(), sent.body());
      assertFalse(sent.json().containsKey("demoCode"), "no code on the page outside demo mode: " + sent.body());
      String code = sms.code(phone, "book", texts, 10_000);
      JsonObject otp = sms.codesTo(phone).get(texts);
      assertEquals("city", otp.getString("site"));
      assertTrue(OffsetDateTime.parse(otp.getString("expiresAt")).isAfter(OffsetDateTime.parse(otp.getString("at"))), otp.encode());
      Reply booked = prod.post(BOOK, b.copy().put("code", code));
      assertEquals(201, booked.status(), booked.body());
      // the city's stream and keys: a reference, never the code or the phone in clear
      List<String> values = new ArrayList<>();
      for (Response e : city.redis(Command.XRANGE, "vf:{city}:events", "-", "+")) {
        Response fields = e.get(1);
        for (int f = 0; f < fields.size(); f++) values.add(fields.get(f).toString());
      }
      assertTrue(values.contains("otp"), "the stream has the otp events: " + values);
      for (String k : keyList("vf:{city}:otp*")) {
        values.add(k);
        if ("hash".equals(city.redis(Command.TYPE, k).toString())) city.redis(Command.HVALS, k).forEach(v -> values.add(v.toString()));
        else values.add(String.valueOf(city.redis(Command.GET, k)));
      }
      for (String v : values) {
        assertNotEquals(code, v, "the code in clear in the city's stream or keys");
        assertFalse(v.contains(phone), "the phone in the city's stream or keys: " + v);
      }
      // an address asks for three codes an hour here: the fourth is refused
      assertEquals(202, prod.post(BOOK + "/lookup", who(Ids.resident(59, 2), phone())).status());
      assertEquals(202, prod.post(BOOK + "/lookup", who(Ids.resident(59, 3), phone())).status());
      expectError(prod.post(BOOK + "/lookup", who(Ids.resident(59, 4), phone())), 429, "RATE_LIMITED", "a fourth code from one address");
    } finally {
      prod.close();
    }
  }

  // ---- helpers ----

  private static JsonObject ok201(Reply r) {
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private static String wrong(String code) {
    return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
  }

  private static <T> T one(Random r, List<T> from) {
    synchronized (r) {
      return from.get(r.nextInt(from.size()));
    }
  }

  private static long ms(String iso) {
    return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
  }

  private static long keys(String pattern) {
    return keyList(pattern).size();
  }

  private static List<String> keyList(String pattern) {
    List<String> out = new ArrayList<>();
    String cursor = "0";
    do {
      Response r = city.redis(Command.SCAN, cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = r.get(0).toString();
      for (Response k : r.get(1)) out.add(k.toString());
    } while (!cursor.equals("0"));
    return out;
  }

  /** Every key of the city and its sites with what it holds ({@link #state}). */
  private static Map<String, String> cityDump() {
    Map<String, String> all = new TreeMap<>();
    for (String site : List.of("city", "xuhui", "jingan", "pudong")) all.putAll(state(site));
    return all;
  }

  /**
   * Every key of a site (or of the city) with its value's dump; its event stream as its entries, without the state of
   * the webhooks' consumer groups, which deliver earlier events meanwhile (a reminder, a code).
   */
  private static Map<String, String> state(String site) {
    Map<String, String> dump = city.siteDump(site);
    String events = "vf:{" + site + "}:events";
    if (dump.remove(events) != null) dump.put(events, city.redis(Command.XRANGE, events, "-", "+").toString());
    return dump;
  }
}
