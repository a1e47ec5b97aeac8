package io.vaxflow.stock;

import static io.vaxflow.support.FlowKit.act;
import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.next;
import static io.vaxflow.support.FlowKit.ok;
import static io.vaxflow.support.FlowKit.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.security.IdDocument;
import io.vaxflow.security.PersonKey;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.Ids;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, at the booth: a vial opened, each done giving a shot from it in the same script (its record, its event,
 * a dose out of the vial, the city's record of the person's doses), every refusal with its code and the site's keys
 * unchanged, and given + wasted + left = the stock at every step. The site's sweep is run by hand here (its timer is a
 * minute of real time apart): a refusal is compared before anything else could write.
 */
class BoothShotsTest {

  private static final String SITE = FlowKit.SITE;
  private static final String API = FlowKit.API;
  private static final String CV = "PD-CV2611A"; // the demo's: 400 vials of 2 doses, 360 minutes after first puncture
  private static final String MR = "PD-MR2611B"; // 80 vials of 10 doses
  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of("VAXFLOW_FLOW_TICKMS", "60000",
      "VAXFLOW_FLOW_LEASESEC", "86400", "VAXFLOW_FLOW_ARRIVALTIMEOUTSEC", "86400", "VAXFLOW_FLOW_OBSERVATIONSEC", "86400"))).fresh();
  static TestCity city; // set by CITY
  private static String door, desk, booth;
  private static int people;

  @BeforeEach
  void signIn() {
    door = city.login("door", "1357");
    desk = city.login("desk", "1234");
    booth = city.login("booth", "4321");
  }

  /** A walk-in of this dose through the door and desk-1 to {@code station}, started there; its ticket number. */
  private static String atBooth(String station, int dose) {
    int i = people++;
    Reply in = city.post(API + "/checkins", new JsonObject().put("walkIn",
        new JsonObject().put("name", FlowKit.name("Shot Patient", i)).put("idNumber", Ids.resident(61, i)).put("dose", dose)));
    assertEquals(201, in.status(), in.body());
    String n = in.json().getJsonObject("ticket").getString("number");
    ok(scan(city, door, n), "scan " + n);
    ok(next(city, desk, "desk-1"), "desk next");
    ok(act(city, desk, "desk-1", "done"), "desk done");
    assertEquals(n, ok(next(city, booth, station), "booth next").getJsonObject("ticket").getString("number"));
    ok(act(city, booth, station, "start"), "booth start");
    return n;
  }

  private static String idOf(int i) {
    return Ids.resident(61, i);
  }

  private static JsonObject vial(String station, String lot) {
    Reply r = city.post(API + "/stations/" + station + "/vial", booth, new JsonObject().put("lot", lot));
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static void refusedUnchanged(String station, String code) {
    Map<String, String> before = city.siteDump(SITE);
    Map<String, String> cityBefore = city.siteDump("city");
    expectError(act(city, booth, station, "done"), 409, code, "done at " + station);
    Map<String, String> after = city.siteDump(SITE);
    assertEquals(before, after, code + " changed the site: " + TestCity.dumpDiff(before, after));
    assertEquals(cityBefore, city.siteDump("city"), code + " changed the city's keys");
  }

  private static void sweep() {
    city.server.flows().get(SITE).tick().await();
  }

  @Test
  void everyRefusalAtTheBoothChangesNothing() {
    atBooth("booth-1", 1);
    refusedUnchanged("booth-1", "NO_OPEN_VIAL");

    JsonObject opened = vial("booth-1", CV).getJsonObject("vial");
    assertEquals(2, opened.getInteger("dosesLeft"));
    assertEquals(360 * 60, opened.getInteger("secondsLeft"));
    CLOCK.advance(Duration.ofMinutes(361));
    refusedUnchanged("booth-1", "VIAL_EXPIRED");
    // the sweep discards it, its two doses counted wasted; then the booth has no vial
    sweep();
    JsonObject stock = city.get(API + "/stock", booth).json();
    assertEquals(0, stock.getJsonArray("openVials").size(), stock.encode());
    assertEquals(2, stock.getJsonObject("today").getInteger("wasted"));
    assertEquals(2, lot(stock, CV).getInteger("wasted"));
    refusedUnchanged("booth-1", "NO_OPEN_VIAL");

    // a dose no product's series has: no vial may give it
    vial("booth-1", MR);
    ok(act(city, booth, "booth-1", "done"), "dose 1 from the mRNA vial");
    atBooth("booth-2", 4);
    vial("booth-2", MR);
    refusedUnchanged("booth-2", "WRONG_PRODUCT");
    JsonObject wrong = act(city, booth, "booth-2", "done").json().getJsonObject("error");
    assertEquals(4, wrong.getInteger("dose"), wrong.encode());
    assertEquals("mrna-omicron", wrong.getString("product"), wrong.encode());

    // a lot that expires today: its vial opened now; after midnight the lot is past its expiry
    Reply added = city.post(API + "/stock/lots", city.login("manager", "2468"), new JsonObject().put("product", "corona-vac")
        .put("lot", "LAST-DAY").put("expiry", "2026-11-24").put("vials", 1));
    assertEquals(201, added.status(), added.body());
    atBooth("booth-3", 1);
    CLOCK.set("2026-11-24T12:00:00Z"); // 20:00 in Shanghai: six hours after puncture would be past the lot's last day
    JsonObject lastDay = vial("booth-3", "LAST-DAY").getJsonObject("vial");
    assertTrue(lastDay.getString("expiresAt").startsWith("2026-11-25T00:00"), "not past its lot's expiry: " + lastDay);
    CLOCK.set("2026-11-24T16:30:00Z"); // 00:30 in Shanghai
    refusedUnchanged("booth-3", "LOT_EXPIRED");
  }

  /**
   * A short run at two booths: for each lot, given + wasted + the doses left (sealed and open) = the doses received,
   * after every shot, vial opened, vial replaced and vial swept; today's given and wasted are the shots and the doses
   * thrown away. Each shot has its record and its event, and the city records the person's dose.
   */
  @Test
  void givenPlusWastedPlusLeftIsTheStockAtEveryStep() {
    Map<String, Integer> received = new HashMap<>();
    JsonObject start = city.get(API + "/stock", booth).json();
    for (String lot : new String[] {CV, MR}) received.put(lot, lot(start, lot).getInteger("dosesLeft"));
    assertEquals(800, received.get(CV));
    assertEquals(800, received.get(MR));
    int[] given = {0}, wasted = {0};
    Runnable check = () -> {
      JsonObject s = city.get(API + "/stock", booth).json();
      for (String lot : new String[] {CV, MR}) {
        JsonObject l = lot(s, lot);
        assertEquals((int) received.get(lot), l.getInteger("given") + l.getInteger("wasted") + l.getInteger("dosesLeft"), lot + ": " + l);
      }
      assertEquals(new JsonObject().put("given", given[0]).put("wasted", wasted[0]), s.getJsonObject("today"), s.encode());
    };
    check.run();
    vial("booth-1", CV);
    check.run();
    for (int shot = 1; shot <= 3; shot++) {
      String n = atBooth("booth-1", 1);
      if (shot == 3) { // the vial's two doses are given: the third needs a new vial
        expectError(act(city, booth, "booth-1", "done"), 409, "NO_OPEN_VIAL", "an empty vial is no vial");
        assertEquals(2, vial("booth-1", CV).getJsonObject("vial").getInteger("vialNo"));
      }
      JsonObject done = ok(act(city, booth, "booth-1", "done"), "shot " + shot);
      given[0]++;
      JsonObject shotJson = done.getJsonObject("shot");
      assertEquals(CV, shotJson.getString("lot"));
      assertEquals(shot == 2 ? 0 : 1, shotJson.getInteger("dosesLeft"), done.encode());
      String id = "pudong-2026-11-24-" + n + "-d1";
      assertEquals(id, shotJson.getString("shotId"));
      Map<String, String> record = hash("vf:{pudong}:shot:" + id);
      assertEquals("corona-vac", record.get("product"));
      assertEquals(CV, record.get("lot"));
      assertEquals("booth", record.get("by"));
      assertEquals("booth-1", record.get("station"));
      assertEquals(n, record.get("number"));
      String person = PersonKey.fromVoucherSecret(city.config.voucherSecret()).person(IdDocument.RESIDENT, idOf(people - 1));
      assertEquals("2026-11-24|corona-vac|pudong", hash("vf:{city}:given:" + person).get("1"), "the city's record of the dose");
      check.run();
    }
    vial("booth-2", MR);
    atBooth("booth-2", 2);
    ok(act(city, booth, "booth-2", "done"), "dose 2 from the mRNA vial");
    given[0]++;
    check.run();
    // booth-2 opens another vial: the nine doses left in the first are thrown away
    JsonObject replaced = vial("booth-2", MR);
    assertEquals(9, replaced.getInteger("wasted"));
    wasted[0] += 9;
    check.run();
    // both vials are past their time: the sweep throws away booth-1's last dose and booth-2's ten
    CLOCK.advance(Duration.ofMinutes(361));
    sweep();
    wasted[0] += 11;
    check.run();
    assertEquals(0, city.get(API + "/stock", booth).json().getJsonArray("openVials").size());
    long shots = FlowKit.events(city, city.login("manager", "2468")).stream().filter(e -> e.type().equals("shot")).count();
    assertEquals(given[0], shots, "a shot event per shot");
  }

  private static Map<String, String> hash(String key) {
    Map<String, String> out = new HashMap<>();
    Response r = city.redis(Command.HGETALL, key);
    for (String k : r.getKeys()) out.put(k, r.get(k).toString());
    return out;
  }

  private static JsonObject lot(JsonObject stock, String lot) {
    return stock.getJsonArray("lots").stream().map(o -> (JsonObject) o).filter(l -> l.getString("lot").equals(lot)).findFirst()
        .orElseThrow(() -> new AssertionError(lot + " not in " + stock.encode()));
  }
}
