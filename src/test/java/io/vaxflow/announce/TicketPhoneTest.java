package io.vaxflow.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.security.TrackToken;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.Ids;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, "The ticket on the phone", over HTTP and the bridge: the check-in reply carries the
 * ticket's link at PUBLIC_URL; the kiosk's reply, the lookup and the phone's track API show one
 * computation of one moment; a link's key opens its own ticket only, and anything else is answered
 * exactly as a number that does not exist (API and page, byte for byte); the phone registered with
 * the key hears its ticket's views as tickets ahead are served and every saying of its calls, and
 * nothing it receives holds a name, an ID number or a phone number. One city for the class, fresh
 * for each test.
 */
@ExtendWith(VertxExtension.class)
class TicketPhoneTest {

  static final String PUBLIC_URL = "https://queue.example.org";
  static final Map<String, String> SETTINGS = Map.of("PUBLIC_URL", PUBLIC_URL,
      "VAXFLOW_ANNOUNCE_INTERVALSEC", "1", "VAXFLOW_ANNOUNCE_REPEATS", "3");
  static final String API = FlowKit.API;
  /** What the track view may hold: the public view, nothing of the person. */
  static final Set<String> VIEW_FIELDS = Set.of("number", "siteId", "category", "stage", "state", "peopleAhead", "wait",
      "where", "away", "awayAllowed", "station", "lastCall", "at");

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(SETTINGS)).fresh();
  static TestCity city;

  /** A check-in through the kiosk's route: the whole reply's ticket (with its trackUrl). */
  static JsonObject checkIn(JsonObject body) {
    Reply r = city.post(API + "/checkins", body);
    assertEquals(201, r.status(), r.body());
    return r.json().getJsonObject("ticket");
  }

  static JsonObject walkIn(String name, String idNumber) {
    return checkIn(new JsonObject().put("walkIn", new JsonObject().put("name", name).put("idNumber", idNumber).put("dose", 1)));
  }

  static String key(JsonObject ticket) {
    String url = ticket.getString("trackUrl");
    return url.substring(url.indexOf("?k=") + 3);
  }

  static JsonObject track(String number, String k) {
    Reply r = city.get(API + "/tickets/" + number + "/track?k=" + k);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  @Test
  void theCheckInReplyCarriesItsLinkAndAgreesExactlyWithTheLookupAndTheTrackOfTheSameMoment() {
    // a room of one seat and a hall of two: the first is called to the room at once, the second
    // waits in the hall, the next ones outside; a priority booking goes ahead of the regular lane
    FlowKit.capacities(city, 2, 1);
    String voucher = city.book("pudong", "Lin Lao", Ids.valid("31010119400101555"), "elderly").getString("voucher");
    List<JsonObject> tickets = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < 5; i++) {
      JsonObject t = i < 4 ? walkIn("Lin " + "ABCD".charAt(i), Ids.valid("3101011980010111" + i)) : checkIn(new JsonObject().put("voucher", voucher));
      tickets.add(t);
      String number = t.getString("number");
      URI link = URI.create(t.getString("trackUrl"));
      assertEquals(PUBLIC_URL + "/t/pudong/" + number, link.getScheme() + "://" + link.getAuthority() + link.getPath(), t.encode());
      assertTrue(key(t).matches("[A-Za-z0-9_-]{22}"), t.getString("trackUrl"));

      JsonObject tracked = track(number, key(t));
      JsonObject looked = FlowKit.ticket(city, number);
      String shown = t.getInteger("peopleAhead") + " ahead, " + t.getInteger("predictedWaitLowMin") + "-"
          + t.getInteger("predictedWaitHighMin") + " min (" + t.getInteger("predictedWaitMin") + "), " + t.getString("where");
      assertEquals(shown, tracked.getInteger("peopleAhead") + " ahead, " + tracked.getJsonObject("wait").getInteger("lo") + "-"
          + tracked.getJsonObject("wait").getInteger("hi") + " min (" + tracked.getJsonObject("wait").getInteger("min") + "), "
          + tracked.getString("where"), "the phone's track of " + number + " right after its check-in");
      assertEquals(shown, looked.getInteger("peopleAhead") + " ahead, " + looked.getInteger("predictedWaitLowMin") + "-"
          + looked.getInteger("predictedWaitHighMin") + " min (" + looked.getInteger("predictedWaitMin") + "), " + looked.getString("where"),
          "the lookup of " + number);
      assertEquals(List.of(t.getString("stage"), t.getString("state")), List.of(tracked.getString("stage"), tracked.getString("state")));
      assertTrue(VIEW_FIELDS.containsAll(tracked.fieldNames()), tracked.encode());
      seen.put(number, t.getString("where") + "/" + t.getInteger("peopleAhead"));
      // the prediction kept for scoring (on the ticket, in its check-in event) is the one the kiosk showed
      Map<String, String> event = checkinEvents().get(number);
      for (Map<String, String> stored : List.of(event, kept("vf:{pudong}:t:" + TestCity.TODAY + ":" + number))) {
        assertEquals(List.of(t.getInteger("predictedWaitLowMin"), t.getInteger("predictedWaitHighMin"), t.getInteger("predictedWaitMin")),
            List.of(Integer.parseInt(stored.get("predLo")), Integer.parseInt(stored.get("predHi")),
                (int) Math.round(Double.parseDouble(stored.get("predMin")))), number + " shown " + t.encode() + ", kept " + stored);
      }
    }
    // the situations the kiosk meets: called to the room at once, the hall, outside behind one, priority ahead
    assertEquals("toRoom/0", seen.get(tickets.get(0).getString("number")), seen.toString());
    assertEquals("hall/0", seen.get(tickets.get(1).getString("number")), seen.toString());
    assertEquals("outside/0", seen.get(tickets.get(2).getString("number")), seen.toString());
    assertEquals("outside/1", seen.get(tickets.get(3).getString("number")), seen.toString());
    assertEquals("P", tickets.get(4).getString("category"));
    assertEquals("outside/0", seen.get(tickets.get(4).getString("number")), "the priority lane goes first: " + seen);
  }

  @Test
  void aWrongOrMissingKeyIsAnsweredExactlyAsANumberThatDoesNotExist() {
    JsonObject t = walkIn("Sun Li", Ids.valid("31010119800101666"));
    JsonObject other = walkIn("Sun Mei", Ids.valid("31010119800101777"));
    String number = t.getString("number");
    TrackToken tokens = TrackToken.fromVoucherSecret(city.config.voucherSecret());

    Reply unknown = city.get(API + "/tickets/W999/track?k=" + key(t));
    assertEquals(404, unknown.status(), unknown.body());
    assertEquals("UNKNOWN_TICKET", unknown.errorCode());
    Map<String, String> wrong = Map.of(
        "no key", "",
        "an empty key", "?k=",
        "a made-up key", "?k=AAAAAAAAAAAAAAAAAAAAAA",
        "another ticket's key", "?k=" + key(other),
        "its key of another day", "?k=" + tokens.token("pudong", "2026-11-23", number),
        "its key at another site", "?k=" + tokens.token("xuhui", TestCity.TODAY, number),
        "its key one character short", "?k=" + key(t).substring(1));
    wrong.forEach((what, query) -> {
      Reply r = city.get(API + "/tickets/" + number + "/track" + query);
      assertEquals(unknown.status(), r.status(), what);
      assertEquals(unknown.body(), r.body(), what + ": the same answer as a number that does not exist");
      assertEquals(unknown.headers().get("Content-Type"), r.headers().get("Content-Type"), what);
    });

    // the page: a link with its own key shows the ticket; any other is the 404 page of a number that does not exist
    Map<String, String> html = Map.of("Accept", "text/html", "Accept-Language", "en");
    Reply page = city.send(io.vertx.core.http.HttpMethod.GET, "/t/pudong/" + number + "?k=" + key(t), null, html, null);
    assertEquals(200, page.status());
    assertTrue(page.body().contains(">" + number + "<"), "the page shows the number");
    for (String personal : List.of("Sun Li", Ids.valid("31010119800101666"))) assertFalse(page.body().contains(personal), personal);
    Reply nobody = city.send(io.vertx.core.http.HttpMethod.GET, "/t/pudong/W999?k=" + key(t), null, html, null);
    assertEquals(404, nobody.status());
    assertTrue(nobody.body().contains("Ticket not found"), nobody.body());
    wrong.forEach((what, query) -> {
      Reply r = city.send(io.vertx.core.http.HttpMethod.GET, "/t/pudong/" + number + query, null, html, null);
      assertEquals(404, r.status(), what);
      String body = r.body().replace("/t/pudong/" + number, "");
      assertEquals(nobody.body().replace("/t/pudong/W999", ""), body,
          what + ": the page of a number that does not exist (but for the path in its language link)");
      assertFalse(body.contains(number), what + ": nothing of the ticket");
    });
  }

  @Test
  void thePhoneHearsItsTicketMoveUpAndEverySayingOfItsCallsAndNothingPersonal(Vertx vertx) {
    FlowKit.capacities(city, null, 1);
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    String booth = city.login("booth", "4321");
    city.openVial("pudong", booth, "booth-3"); // a shot at a booth comes from its open vial (main's stock)
    String observer = city.login("observer", "9753");
    String first = walkIn("Qin Yi", Ids.valid("31010119800101888")).getString("number");   // called to the room at once
    String second = walkIn("Qin Er", Ids.valid("31010119800101999")).getString("number");  // hall, first in line
    String voucher = city.book("pudong", "Qin San", Ids.valid("31010119800101000"), null).getString("voucher");
    JsonObject mine = checkIn(new JsonObject().put("voucher", voucher));          // hall, one ahead
    String number = mine.getString("number");
    String address = Addresses.ticket("pudong", number);
    assertEquals(1, mine.getInteger("peopleAhead"), mine.encode());

    try (BridgeClient phone = new BridgeClient(vertx, city.port(), null);
         BridgeClient stranger = new BridgeClient(vertx, city.port(), null)) {
      phone.send(new JsonObject().put("type", "register").put("address", address).put("headers", new JsonObject().put("k", key(mine))));
      stranger.send(new JsonObject().put("type", "register").put("address", address)
          .put("headers", new JsonObject().put("k", "AAAAAAAAAAAAAAAAAAAAAA")));
      stranger.send(new JsonObject().put("type", "register").put("address", Addresses.ticket("pudong", first)));
      phone.sync();
      BridgeClient.await("the stranger's registers refused", 10, () -> stranger.errors().size() == 2);
      assertEquals(List.of("rejected", "rejected"), stranger.errors().stream().map(e -> e.getString("body")).toList());

      // the one ahead goes in: the phone sees its ticket first in line, without asking
      serve(door, desk, first, "desk-1"); // the room's one seat is free again: the second is called in
      JsonObject firstInLine = BridgeClient.within(10, phone.heard(address, m -> "view".equals(m.getString("type"))
          && m.getJsonObject("view").getInteger("peopleAhead") == 0), "a view with nobody ahead").getJsonObject("view");
      assertEquals("hall", firstInLine.getString("where"), firstInLine.encode());
      JsonObject asked = track(number, key(mine));
      assertEquals(without(firstInLine, "at"), without(asked, "at"), "the view pushed is the track API's");

      // its own call to the room: every saying, at once; then the view says where to go
      serve(door, desk, second, "desk-2");
      BridgeClient.await("three sayings of the room call", 10, () -> phone.count(address, m -> "call".equals(m.getString("type"))
          && "room".equals(m.getJsonObject("call").getJsonObject("to").getString("kind"))) == 3);
      JsonObject called = BridgeClient.within(10, phone.heard(address, m -> "view".equals(m.getString("type"))
          && "toRoom".equals(m.getJsonObject("view").getString("where"))), "the view of the call").getJsonObject("view");
      assertEquals("called", called.getString("state"));
      assertEquals("room", called.getJsonObject("lastCall").getJsonObject("to").getString("kind"));

      // through the desk and the booth to the end
      FlowKit.ok(FlowKit.scan(city, door, number), "scan " + number);
      FlowKit.ok(FlowKit.next(city, desk, "desk-3"), "desk-3 next");
      BridgeClient.await("the desk call", 10, () -> phone.count(address, m -> "call".equals(m.getString("type"))
          && "desk-3".equals(m.getJsonObject("call").getJsonObject("to").getString("id"))) >= 1);
      JsonObject toDesk = BridgeClient.within(10, phone.heard(address, m -> "view".equals(m.getString("type"))
          && "toDesk".equals(m.getJsonObject("view").getString("where"))), "go to the desk").getJsonObject("view");
      assertEquals("desk-3", toDesk.getJsonObject("station").getString("id"));
      FlowKit.ok(FlowKit.act(city, desk, "desk-3", "start"), "start");
      FlowKit.ok(FlowKit.act(city, desk, "desk-3", "done"), "done");
      FlowKit.ok(FlowKit.next(city, booth, "booth-1"), "booth-1 next"); // the two who went first
      FlowKit.ok(FlowKit.next(city, booth, "booth-2"), "booth-2 next");
      assertEquals(number, FlowKit.ok(FlowKit.next(city, booth, "booth-3"), "booth-3 next").getJsonObject("ticket").getString("number"));
      FlowKit.ok(FlowKit.act(city, booth, "booth-3", "start"), "start");
      FlowKit.ok(FlowKit.act(city, booth, "booth-3", "done"), "done");
      FlowKit.ok(city.post(API + "/observation/" + number + "/release", observer, new JsonObject()), "release");
      BridgeClient.within(10, phone.heard(address, m -> "view".equals(m.getString("type"))
          && "released".equals(m.getJsonObject("view").getString("where"))), "the end");
      BridgeClient.await("the exit call", 10, () -> phone.count(address, m -> "call".equals(m.getString("type"))
          && "exit".equals(m.getJsonObject("call").getJsonObject("to").getString("kind"))) >= 1);

      // what the phone received: its ticket's views and calls, and nothing of anyone
      List<JsonObject> received = phone.received(address);
      assertTrue(received.stream().allMatch(m -> Set.of("view", "call").contains(m.getString("type"))), received.toString());
      for (JsonObject m : received) {
        if ("view".equals(m.getString("type"))) assertTrue(VIEW_FIELDS.containsAll(m.getJsonObject("view").fieldNames()), m.encode());
        else assertEquals(number, m.getJsonObject("call").getString("number"), m.encode());
      }
      String wire = new JsonArray(phone.frames).encode();
      for (String personal : List.of("Qin", Ids.valid("31010119800101000"), "13800138000", Ids.valid("31010119800101888"), "idNumber", "phone", "name\"")) {
        assertFalse(wire.contains(personal), "the phone received " + personal + ": " + wire);
      }
      assertTrue(stranger.received(address).isEmpty(), "the stranger heard nothing: " + stranger.frames);
      assertTrue(stranger.received(Addresses.ticket("pudong", first)).isEmpty());
    }
  }

  /** The door lets {@code number} into the room and {@code station} registers it: its room seat is free again. */
  private static void serve(String door, String desk, String number, String station) {
    FlowKit.ok(FlowKit.scan(city, door, number), "scan " + number);
    FlowKit.ok(FlowKit.next(city, desk, station), station + " next");
    FlowKit.ok(FlowKit.act(city, desk, station, "start"), station + " start");
    FlowKit.ok(FlowKit.act(city, desk, station, "done"), station + " done");
  }

  /**
   * Waiting away from the phone: the reply to away and back is the ticket's view as the track API
   * shows it, and the phone following it hears it go away and come back (a ticket away is read
   * from its hash by the follow script, not taken for its queue's).
   */
  @Test
  void thePhoneHearsItsTicketGoAwayAndComeBack(Vertx vertx) {
    // far from its turn (17 ahead, 4 desks of 3 min: 12 min), so the sweep does not call it back at once
    FlowKit.capacities(city, null, 1);
    for (int i = 0; i < 18; i++) walkIn("Xu " + "ABCDEFGHIJKLMNOPQR".charAt(i), Ids.valid("310101198002021" + (10 + i)));
    JsonObject mine = walkIn("Xu San", Ids.valid("31010119800202333"));
    String number = mine.getString("number");
    String address = Addresses.ticket("pudong", number);
    assertTrue(track(number, key(mine)).getBoolean("awayAllowed"), "a ticket waiting in the hall may go away");
    try (BridgeClient phone = new BridgeClient(vertx, city.port(), null)) {
      phone.send(new JsonObject().put("type", "register").put("address", address).put("headers", new JsonObject().put("k", key(mine))));
      phone.sync();
      JsonObject gone = FlowKit.ok(FlowKit.away(city, number), "away");
      assertEquals(List.of(true, false, "away", 17), List.of(gone.getBoolean("away"), gone.getBoolean("awayAllowed"),
          gone.getString("where"), gone.getInteger("peopleAhead")), gone.encode());
      assertEquals(without(track(number, key(mine)), "at"), without(gone, "at"), "the reply is the track API's view");
      JsonObject heard;
      try {
        heard = BridgeClient.within(10, phone.heard(address, m -> "view".equals(m.getString("type"))
            && m.getJsonObject("view").getBoolean("away")), "the view of the ticket away").getJsonObject("view");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + ": " + phone.frames, e);
      }
      assertEquals(without(gone, "at"), without(heard, "at"), "the phone hears it away, as the track API shows it");

      JsonObject back = FlowKit.ok(FlowKit.back(city, number), "back");
      assertEquals(List.of(false, true, "hall"), List.of(back.getBoolean("away"), back.getBoolean("awayAllowed"), back.getString("where")));
      BridgeClient.within(10, phone.heard(address, m -> "view".equals(m.getString("type"))
          && !m.getJsonObject("view").getBoolean("away") && m.getJsonObject("view").getBoolean("awayAllowed")), "the view of the ticket back");
    }
    Reply stranger = city.post(API + "/tickets/" + number + "/away?k=AAAAAAAAAAAAAAAAAAAAAA", null);
    assertEquals(404, stranger.status());
    assertEquals(city.get(API + "/tickets/W999/track?k=" + key(mine)).body(), stranger.body(), "a wrong key: the unknown number's answer");
  }

  /**
   * A busy site's views go out a slice a round of the event loop, its sockets read between slices: a request that
   * comes while 480 followed tickets' views go out is answered before the last of them. Netty 4.2 runs queued tasks,
   * and the tasks they queue, for up to a second before it reads its sockets again: slices queued one after another
   * with runOnContext, or all in one turn, fail this test. Seen without a clock: the server's own count of messages
   * its event bus delivered, read by the {@code /metrics} requests the loop served meanwhile, is seen part-way.
   */
  @Test
  void requestsAreServedBetweenTheSlicesOfABusySitesViews(Vertx vertx) {
    int perSocket = 16; // as many tickets as a browser may follow (LiveBridge)
    int phones = 30 * perSocket; // five slices
    FlowKit.capacities(city, 1000, 1);
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < phones + 10; i++) {
      numbers.add(walkIn(FlowKit.name("Fan", i), FlowKit.idNumber(7, i)).getString("number"));
    }
    List<BridgeClient> clients = new ArrayList<>();
    try {
      for (int from = 10; from < numbers.size(); from += perSocket) {
        BridgeClient client = new BridgeClient(vertx, city.port(), null);
        clients.add(client);
        for (String number : numbers.subList(from, from + perSocket)) {
          client.send(new JsonObject().put("type", "register").put("address", Addresses.ticket("pudong", number))
              .put("headers", new JsonObject().put("k", FlowKit.trackKey(city, number, TestCity.TODAY))));
        }
        client.sync();
      }
      BridgeClient.await("every phone's first view", 20, () -> clients.stream().allMatch(c -> viewed(c) == perSocket));

      // each round: the room's seat is freed and the next is called in; every follower's people ahead goes down
      List<Double> partWay = new ArrayList<>();
      for (int round = 0; round < 10 && partWay.isEmpty(); round++) {
        int heard = clients.stream().mapToInt(TicketPhoneTest::views).sum();
        double before = delivered();
        serve(door, desk, numbers.get(round), "desk-1");
        double seen = before;
        for (int scrape = 0; scrape < 2000 && clients.stream().mapToInt(TicketPhoneTest::views).sum() < heard + phones; scrape++) {
          double now = delivered();
          if (now > before + phones / 10.0 && now < before + phones * 0.9 && now > seen) partWay.add(now - before);
          seen = Math.max(seen, now);
        }
        BridgeClient.await("round " + round + "'s views", 20,
            () -> clients.stream().mapToInt(TicketPhoneTest::views).sum() >= heard + phones);
      }
      assertFalse(partWay.isEmpty(), "no request was served while a round's " + phones + " views went out");
    } finally {
      clients.forEach(BridgeClient::close);
    }
  }

  /** How many tickets' views {@code client} has had. */
  private static long viewed(BridgeClient client) {
    return viewFrames(client).map(f -> f.getString("address")).distinct().count();
  }

  private static int views(BridgeClient client) {
    return (int) viewFrames(client).count();
  }

  /** The views {@code client} has had, as the bridge's frames. */
  private static java.util.stream.Stream<JsonObject> viewFrames(BridgeClient client) {
    return client.frames.stream().filter(f -> "rec".equals(f.getString("type")) && "view".equals(f.getJsonObject("body").getString("type")));
  }

  /** The messages the server's event bus has delivered to its consumers (its {@code /metrics}). */
  private static double delivered() {
    String metrics = city.get("/metrics").body();
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("vertx_eventbus_delivered_total")) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  private static JsonObject without(JsonObject o, String field) {
    JsonObject copy = o.copy();
    copy.remove(field);
    return copy;
  }

  /** Each ticket's check-in event's fields, by number. */
  private static Map<String, Map<String, String>> checkinEvents() {
    Map<String, Map<String, String>> out = new HashMap<>();
    Response entries = city.redis(Command.XRANGE, "vf:{pudong}:events", "-", "+");
    for (Response e : entries) {
      Map<String, String> f = new HashMap<>();
      Response fields = e.get(1);
      for (int i = 0; i < fields.size(); i += 2) f.put(fields.get(i).toString(), fields.get(i + 1).toString());
      if ("checkin".equals(f.get("type"))) out.put(f.get("number"), f);
    }
    return out;
  }

  /** The prediction a ticket keeps (predLo, predHi, predMin). */
  private static Map<String, String> kept(String key) {
    Response r = city.redis(Command.HMGET, key, "predLo", "predHi", "predMin");
    assertTrue(r.get(0) != null, key);
    return Map.of("predLo", r.get(0).toString(), "predHi", r.get(1).toString(), "predMin", r.get(2).toString());
  }
}
