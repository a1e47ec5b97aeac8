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
 * Issue 16, the last hour: pudong stops opening vials at 16:00 unless 3 people wait for a shot. Before 16:00 a vial
 * opens with nobody waiting; after it, a booth is refused {@code 409 STOP_OPENING} with the site's keys unchanged while
 * fewer wait, and opens one once 3 do (at desks, in the vaccination queue or at a booth).
 */
class LastHourTest {

  private static final SimClock CLOCK = SimClock.at("2026-11-24T07:59:00Z"); // 15:59 in Shanghai
  private static final String API = "/api/v1/sites/pudong";
  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of(
      "VAXFLOW_SITES_PUDONG_LASTHOUR_STOPOPENINGAT", "16:00", "VAXFLOW_SITES_PUDONG_LASTHOUR_MINWAITINGTOOPEN", "3"))).fresh();

  private static Reply open(String cookie, String booth) {
    return city.post(API + "/stations/" + booth + "/vial", cookie, new JsonObject().put("lot", "PD-MR2611B"));
  }

  /** A walk-in let into the room and taken by a desk: one more person waiting for a shot. */
  private static void atADesk(String door, String desk, String station, int i) {
    String num = city.walkIn("pudong", FlowKit.name("Last", i), FlowKit.idNumber(16, i)).getString("number");
    FlowKit.ok(FlowKit.scan(city, door, num), "scan " + num);
    FlowKit.ok(FlowKit.next(city, desk, station), station + " calls " + num);
  }

  @Test
  void afterStopOpeningAtAVialOpensOnlyForEnoughPeopleWaiting() {
    String booth = city.login("booth", "4321"), door = city.login("door", "1357"), desk = city.login("desk", "1234");
    assertEquals(200, open(booth, "booth-1").status(), "15:59: the policy has not started");

    CLOCK.advance(java.time.Duration.ofMinutes(11)); // 16:10
    atADesk(door, desk, "desk-1", 1);
    Map<String, String> before = city.siteDump("pudong");
    Reply refused = open(booth, "booth-2");
    FlowKit.expectError(refused, 409, "STOP_OPENING", "one person waits");
    JsonObject e = refused.json().getJsonObject("error");
    assertEquals(1, e.getInteger("waiting"));
    assertEquals(3, e.getInteger("minWaitingToOpen"));
    assertEquals(10, e.getInteger("dosesOpen"), "booth-1's vial: where to send the patient");
    assertEquals(before, city.siteDump("pudong"), "a refusal changes nothing");

    atADesk(door, desk, "desk-2", 2);
    FlowKit.expectError(open(booth, "booth-2"), 409, "STOP_OPENING", "two wait");
    atADesk(door, desk, "desk-3", 3);
    Reply opened = open(booth, "booth-2");
    assertEquals(200, opened.status(), "three wait: " + opened.body());
    assertEquals(10, opened.json().getJsonObject("vial").getInteger("dosesLeft"));
  }
}
