package io.vaxflow.flow;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.act;
import static io.vaxflow.support.FlowKit.assertStraight;
import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.next;
import static io.vaxflow.support.FlowKit.ok;
import static io.vaxflow.support.FlowKit.reinstate;
import static io.vaxflow.support.FlowKit.scan;
import static io.vaxflow.support.FlowKit.state;
import static io.vaxflow.support.FlowKit.ticket;
import static io.vaxflow.support.FlowKit.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaxflow.support.SimClock;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hall and the vaccine room hold their capacity whatever the path in: a desk giving its
 * patient back, a reinstated no-show (from the door, a desk or a booth), a transfer, a re-call.
 * The books are checked after every step (FlowKit.assertStraight). One city for the class, on a
 * simulated clock (arrival timeouts come only when a test moves it), fresh for each test, its
 * capacities set by the manager.
 */
class CapacityTest {

  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of("VAXFLOW_FLOW_TICKMS", "50"))).fresh();

  @Test
  void fourDesksReturningIntoAFullRoomDoNotOverfillIt() {
    FlowKit.capacities(city, null, 3);
    SiteStaff staff = SiteStaff.signIn(city);
    for (int i = 0; i < 12; i++) city.walkIn(SITE, FlowKit.name("Return", i), FlowKit.idNumber(80, i));
    for (int round = 0; round < 3; round++) {
      scanCalled(city, staff.door());
      for (int d = 1; d <= 4; d++) {
        var r = next(city, staff.desk(), "desk-" + d);
        assertStraight(state(city), "desk-" + d + " next, round " + round);
        if (r.status() == 200) {
          ok(act(city, staff.desk(), "desk-" + d, "recall"), "recall");
          assertStraight(state(city), "desk-" + d + " recall");
        }
      }
      scanCalled(city, staff.door());
      for (int d = 1; d <= 4; d++) {
        act(city, staff.desk(), "desk-" + d, "return");
        assertStraight(state(city), "desk-" + d + " return, round " + round);
      }
    }
  }

  @Test
  void reinstatedNoShowsWaitForASeat() {
    FlowKit.capacities(city, 6, 3);
    SiteStaff staff = SiteStaff.signIn(city);
    Duration timeout = Duration.ofSeconds(city.config.flow().arrivalTimeoutSec());
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < 24; i++) numbers.add(city.walkIn(SITE, FlowKit.name("Absent", i), FlowKit.idNumber(81, i)).getString("number"));

    // Nobody comes to the door: called, re-called, no-show, the next batch called... until 15 are
    // no-shows. The clock moves an arrival timeout on while the test waits; the sweep does the rest.
    FlowKit.await("15 arrival no-shows", 30_000, () -> {
      CLOCK.advance(timeout);
      return state(city).getJsonObject("counts").getInteger("noShow") >= 15;
    });
    assertStraight(state(city), "after the no-shows");
    List<String> noShows = new ArrayList<>();
    for (String n : numbers) if ("no_show".equals(ticket(city, n).getString("state"))) noShows.add(n);
    for (String n : noShows) {
      ok(reinstate(city, staff.door(), n), "reinstate " + n);
      JsonObject c = assertStraight(state(city), "reinstated " + n);
      assertEquals(true, c.getInteger("hall") <= 6, "hall " + c);
    }
  }

  @Test
  void deskNoShowsReinstatedIntoAFullRoomWaitInTheHall() {
    FlowKit.capacities(city, null, 3);
    SiteStaff staff = SiteStaff.signIn(city);
    for (int i = 0; i < 20; i++) city.walkIn(SITE, FlowKit.name("Desk", i), FlowKit.idNumber(82, i));
    List<String> noShows = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      scanCalled(city, staff.door());
      JsonObject got = ok(next(city, staff.desk(), "desk-1"), "next");
      noShows.add(got.getJsonObject("ticket").getString("number"));
      ok(act(city, staff.desk(), "desk-1", "no-show"), "no-show");
      assertStraight(state(city), "no-show " + k);
    }
    scanCalled(city, staff.door());
    for (String n : noShows) {
      ok(reinstate(city, staff.desk(), n), "reinstate " + n);
      assertStraight(state(city), "reinstated " + n);
    }
  }

  @Test
  void aBoothCannotSendItsPatientBackToTheRoom() {
    FlowKit.capacities(city, null, 2);
    SiteStaff staff = SiteStaff.signIn(city);
    for (int i = 0; i < 6; i++) city.walkIn(SITE, FlowKit.name("Booth", i), FlowKit.idNumber(83, i));
    scanCalled(city, staff.door());
    ok(next(city, staff.desk(), "desk-1"), "desk next");
    ok(act(city, staff.desk(), "desk-1", "done"), "desk done");
    ok(next(city, staff.booth(), "booth-1"), "booth next");
    scanCalled(city, staff.door());
    expectError(transfer(city, staff.booth(), "booth-1", "room"), 409, "INVALID_TRANSITION", "booth to the room");
    ok(transfer(city, staff.booth(), "booth-1", "vaccination"), "booth back to the head of its own queue");
    assertStraight(state(city), "after the transfers");
    ok(next(city, staff.desk(), "desk-1"), "desk next");
    ok(transfer(city, staff.desk(), "desk-1", "room"), "desk back to the head of its own queue");
    assertStraight(state(city), "desk transfer to the room");
  }

  /** The door lets in everyone called to the room. */
  private static void scanCalled(TestCity city, String door) {
    for (int i = 1; i <= 40; i++) {
      String n = String.format("W%03d", i);
      var t = city.get(FlowKit.API + "/tickets/" + n);
      if (t.status() == 200 && "hall".equals(t.json().getString("stage")) && "called".equals(t.json().getString("state"))) {
        ok(scan(city, door, n), "scan " + n);
        assertStraight(state(city), "scan " + n);
      }
    }
  }
}
