package io.vaxflow.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, the last hour: pudong stops opening vials at 16:00 unless 3 people wait for a shot beyond what its open
 * vials hold. Before 16:00 a 2-dose vial opens at booth-1 with nobody waiting; after it, another booth is refused
 * {@code 409 STOP_OPENING} with the site's keys unchanged while those waiting (at desks, in the vaccination queue or at
 * a booth) are fewer than 3 + the 2 doses open, and opens one once 5 wait.
 */
class LastHourTest {

  private static final SimClock CLOCK = SimClock.at("2026-11-24T07:59:00Z"); // 15:59 in Shanghai
  private static final String API = "/api/v1/sites/pudong";
  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of(
      "VAXFLOW_SITES_PUDONG_LASTHOUR_STOPOPENINGAT", "16:00", "VAXFLOW_SITES_PUDONG_LASTHOUR_MINWAITINGTOOPEN", "3"))).fresh();

  private static Reply open(String cookie, String booth, String lot) {
    return city.post(API + "/stations/" + booth + "/vial", cookie, new JsonObject().put("lot", lot));
  }

  /** A walk-in let into the room and taken by a desk: one more person waiting for a shot. */
  private static void atADesk(String door, String desk, String station, int i) {
    String num = city.walkIn("pudong", FlowKit.name("Last", i), FlowKit.idNumber(16, i)).getString("number");
    FlowKit.ok(FlowKit.scan(city, door, num), "scan " + num);
    FlowKit.ok(FlowKit.next(city, desk, station), station + " calls " + num);
  }

  @Test
  void afterStopOpeningAtAVialOpensOnlyForEnoughPeopleWaitingBeyondTheOpenDoses() {
    String booth = city.login("booth", "4321"), door = city.login("door", "1357"), desk = city.login("desk", "1234");
    assertEquals(200, open(booth, "booth-1", "PD-CV2611A").status(), "15:59: the policy has not started");

    CLOCK.advance(java.time.Duration.ofMinutes(11)); // 16:10
    atADesk(door, desk, "desk-1", 1);
    Map<String, String> before = city.siteDump("pudong");
    Reply refused = open(booth, "booth-2", "PD-MR2611B");
    FlowKit.expectError(refused, 409, "STOP_OPENING", "one person waits");
    JsonObject e = refused.json().getJsonObject("error");
    assertEquals(1, e.getInteger("waiting"));
    assertEquals(3, e.getInteger("minWaitingToOpen"));
    assertEquals(2, e.getInteger("dosesOpen"), "booth-1's vial: where to send the patient");
    assertEquals(before, city.siteDump("pudong"), "a refusal changes nothing");

    for (int i = 2; i <= 4; i++) atADesk(door, desk, "desk-" + i, i);
    FlowKit.expectError(open(booth, "booth-2", "PD-MR2611B"), 409, "STOP_OPENING", "four wait, two of them for booth-1's doses");
    FlowKit.ok(FlowKit.act(city, desk, "desk-1", "start"), "desk-1 start");
    FlowKit.ok(FlowKit.act(city, desk, "desk-1", "done"), "desk-1 done: in the vaccination queue");
    atADesk(door, desk, "desk-1", 5);
    Reply opened = open(booth, "booth-2", "PD-MR2611B");
    assertEquals(200, opened.status(), "five wait, three beyond booth-1's doses: " + opened.body());
    assertEquals(10, opened.json().getJsonObject("vial").getInteger("dosesLeft"));
  }
}
