package io.vaxflow.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.config.OpeningHours;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.flow.SiteSnapshot;
import io.vaxflow.flow.StageCounts;
import io.vaxflow.flow.Station;
import io.vaxflow.flow.StationId;
import io.vaxflow.flow.StationKind;
import io.vaxflow.monitor.SiteReport.Action;
import io.vaxflow.monitor.SiteReport.Alert;
import io.vaxflow.monitor.SiteReport.AlertCode;
import io.vaxflow.monitor.SiteReport.StationUse;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The advice rules of {@link Advice} on hand-made moments of a site: which alert, which action. */
class AdviceTest {

  private static SiteConfig site(boolean walkIns, int targetWaitMin) {
    return new SiteConfig("pudong", "PD", Map.of("en", "Pudong"), Map.of(), 31.2, 121.5, walkIns,
        new OpeningHours(8 * 60, 17 * 60, ZoneId.of("Asia/Shanghai")), 30, 60, 150, 12, 1, 2, 3, targetWaitMin, Optional.empty(),
        new SiteConfig.Stock(true, List.of()), new SiteConfig.LastHour("", 5));
  }

  /** Stations by "desk-1=paused" and so on; queues for the desks (room) and the booths (vaccination). */
  private static List<Alert> advise(SiteConfig site, int predictedWait, int deskQueue, int boothQueue, List<Alert> alarms, String... stations) {
    List<StationUse> uses = new ArrayList<>();
    for (String s : stations) {
      String[] idState = s.split("=");
      StationId id = StationId.parse(idState[0], site).orElseThrow();
      Station.State state = Station.State.valueOf(idState[1].toUpperCase(java.util.Locale.ROOT));
      uses.add(new StationUse(new Station(id, state, Optional.empty(), Optional.empty(), Instant.EPOCH), 0, 0, 0, 0, 0, 0));
    }
    StageCounts counts = new StageCounts(0, 0, 0, 0, deskQueue, 0, boothQueue, 0, 0, 0, 0, deskQueue + boothQueue, 150, 12);
    SiteSnapshot snap = new SiteSnapshot("pudong", Instant.EPOCH, counts, predictedWait, predictedWait, predictedWait,
        List.of(new SiteSnapshot.Queue("outside", 0, 0), new SiteSnapshot.Queue("hall", 0, 0),
            new SiteSnapshot.Queue("room", 0, deskQueue), new SiteSnapshot.Queue("vaccination", 0, boothQueue)),
        uses.stream().map(StationUse::station).toList(), List.of(), false);
    return Advice.advise(site, snap, uses, alarms);
  }

  private static Optional<Alert> find(List<Alert> alerts, AlertCode code) {
    return alerts.stream().filter(a -> a.code() == code).findFirst();
  }

  @Test
  void idleBoothsWhileTheDesksFallBehindMoveOnePersonToTheDesks() {
    List<Alert> out = advise(site(true, 30), 10, 6, 0, List.of(),
        "desk-1=serving", "desk-2=paused", "booth-1=serving", "booth-2=idle", "booth-3=idle");
    Alert move = find(out, AlertCode.BOOTHS_IDLE_DESKS_BEHIND).orElseThrow(() -> new AssertionError(out.toString()));
    assertEquals(Optional.of(new Action("moveStaff", Map.of("from", "booth-3", "to", "desk-2"))), move.action());
    assertEquals(6, move.value());
    assertTrue(find(out, AlertCode.STATION_PAUSED_QUEUE_WAITING).isEmpty(), "one piece of advice for desk-2: " + out);

    // people waiting for a booth, or desks not behind: nobody to move
    assertTrue(find(advise(site(true, 30), 10, 6, 1, List.of(),
        "desk-1=serving", "desk-2=paused", "booth-1=serving", "booth-2=idle", "booth-3=idle"), AlertCode.BOOTHS_IDLE_DESKS_BEHIND).isEmpty());
    assertTrue(find(advise(site(true, 30), 10, 1, 0, List.of(),
        "desk-1=serving", "desk-2=paused", "booth-1=serving", "booth-2=idle", "booth-3=idle"), AlertCode.BOOTHS_IDLE_DESKS_BEHIND).isEmpty());
  }

  @Test
  void aPausedDeskIsAdvisedOnlyWhenItsQueueIsMoreThanTheIdleDesksTake() {
    assertTrue(find(advise(site(true, 30), 5, 1, 0, List.of(), "desk-1=idle", "desk-2=paused", "booth-1=idle"),
        AlertCode.STATION_PAUSED_QUEUE_WAITING).isEmpty(), "an idle open desk takes the one waiting");
    Alert a = find(advise(site(true, 30), 5, 2, 0, List.of(), "desk-1=idle", "desk-2=paused", "booth-1=serving"),
        AlertCode.STATION_PAUSED_QUEUE_WAITING).orElseThrow();
    assertEquals(Optional.of(new Action("resume", Map.of("station", "desk-2"))), a.action());
  }

  @Test
  void theAlarmsGetTheirActions() {
    List<Alert> alarms = List.of(
        new Alert(AlertCode.NO_DESK_OPEN, Optional.empty(), 4, 0),
        new Alert(AlertCode.HALL_NEARLY_FULL, Optional.empty(), 140, 150),
        new Alert(AlertCode.LONG_WAIT, Optional.empty(), 70, 60),
        new Alert(AlertCode.NO_DISPLAY, Optional.empty(), 3, 0));
    List<Alert> out = advise(site(true, 30), 70, 4, 0, alarms, "desk-1=paused", "desk-2=paused", "booth-1=idle");
    assertEquals(Optional.of(new Action("resume", Map.of("station", "desk-1"))), find(out, AlertCode.NO_DESK_OPEN).get().action());
    assertEquals(Optional.of(new Action("raiseCapacity", Map.of("setting", "hallCapacity", "to", 165L))),
        find(out, AlertCode.HALL_NEARLY_FULL).get().action());
    assertEquals(Optional.of(new Action("stopWalkIns", Map.of("minutes", 60))), find(out, AlertCode.LONG_WAIT).get().action());
    assertEquals(Optional.empty(), find(out, AlertCode.NO_DISPLAY).get().action(), "advice in words only");
    assertTrue(find(out, AlertCode.WAIT_OVER_TARGET).isEmpty(), "LONG_WAIT says it already: " + out);
    assertTrue(find(out, AlertCode.STATION_PAUSED_QUEUE_WAITING).isEmpty(), "NO_DESK_OPEN says it already: " + out);
    assertEquals(AlertCode.NO_DESK_OPEN, out.get(0).code(), "the critical first");
  }

  @Test
  void everyAlertIsWordedWithItsAdviceInBothLanguages() {
    for (String lang : io.vaxflow.view.Words.LANGS) {
      io.vertx.core.json.JsonObject dash = io.vaxflow.view.Words.of(lang).getJsonObject("dashboard");
      for (AlertCode code : AlertCode.values()) {
        for (String part : List.of("alerts", "advice")) {
          for (int value : new int[] {1, 2}) {
            String text = io.vaxflow.view.Words.text(lang, "dashboard." + part + "." + code.name(), java.util.Map.of("value", value));
            assertTrue(!text.isBlank(), lang + " dashboard." + part + "." + code);
          }
        }
      }
      for (String action : List.of("resume", "moveStaff", "stopWalkIns", "raiseCapacity")) {
        assertTrue(dash.getJsonObject("actions").containsKey(action), lang + " dashboard.actions." + action);
        assertTrue(dash.getJsonObject("confirm").getJsonObject("explain").containsKey(action), lang + " dashboard.confirm.explain." + action);
      }
    }
  }

  @Test
  void aWaitOverTheTargetStopsWalkInsWhereThereAreAny() {
    Alert over = find(advise(site(true, 20), 25, 0, 0, List.of(), "desk-1=idle"), AlertCode.WAIT_OVER_TARGET).orElseThrow();
    assertEquals(25, over.value());
    assertEquals(20, over.limit());
    assertEquals(Optional.of(new Action("stopWalkIns", Map.of("minutes", 60))), over.action());
    Alert appointmentsOnly = find(advise(site(false, 20), 25, 0, 0, List.of(), "desk-1=idle"), AlertCode.WAIT_OVER_TARGET).orElseThrow();
    assertEquals(Optional.empty(), appointmentsOnly.action(), "no walk-ins to stop: the advice is to slow bookings");
    assertTrue(find(advise(site(true, 30), 25, 0, 0, List.of(), "desk-1=idle"), AlertCode.WAIT_OVER_TARGET).isEmpty());
  }
}
