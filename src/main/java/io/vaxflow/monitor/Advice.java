package io.vaxflow.monitor;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.flow.SiteSnapshot;
import io.vaxflow.flow.Station;
import io.vaxflow.flow.StationKind;
import io.vaxflow.monitor.SiteReport.Action;
import io.vaxflow.monitor.SiteReport.Alert;
import io.vaxflow.monitor.SiteReport.AlertCode;
import io.vaxflow.monitor.SiteReport.StationUse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Advice, not only alarms: the rules that turn what the dashboard sees into something the manager
 * can do about it. Each alert gets the action its suggestion names (when one press can do it), and
 * the rules that need the stations and queues together add their own alerts:
 * <ul>
 *   <li>a desk (booth) paused while more people wait for desks (booths) than the open idle ones can
 *       take: resume it;
 *   <li>booths idle with nobody waiting for a booth while the desks are behind (at least two people
 *       waiting per open desk) and a desk is paused: move one person from the booths to the desks
 *       (close an idle booth, open the paused desk);
 *   <li>the predicted wait over the site's {@code targetWaitMin}: stop walk-ins for the next hour;
 *   <li>the hall nearly full or people outside: raise the hall's capacity (or call the outside queue later).
 * </ul>
 * The words of every suggestion are in the i18n dictionaries ({@code dashboard.advice.<CODE>}).
 */
public final class Advice {

  /** How long "stop walk-ins" stops them for. */
  static final int STOP_WALK_INS_MIN = 60;
  /** Desks are behind when this many people wait per open desk. */
  static final int BEHIND_PER_DESK = 2;

  private Advice() {}

  /** The alerts with their actions, and the alerts of the advice rules, most severe first. */
  public static List<Alert> advise(SiteConfig site, SiteSnapshot snap, List<StationUse> uses, List<Alert> alarms) {
    List<Station> stations = uses.stream().map(StationUse::station).toList();
    int deskQueue = waiting(snap, "room");
    int boothQueue = waiting(snap, "vaccination");
    List<Alert> out = new ArrayList<>();
    boolean overTarget = snap.predictedWaitMin() > site.targetWaitMin();
    boolean longWait = alarms.stream().anyMatch(a -> a.code() == AlertCode.LONG_WAIT);
    for (Alert a : alarms) out.add(actionFor(a, site, stations).map(a::with).orElse(a));

    Set<String> advised = new HashSet<>();
    Optional<Station> idleBooth = last(stations, StationKind.BOOTH, Station.State.IDLE);
    Optional<Station> pausedDesk = first(stations, StationKind.DESK, Station.State.PAUSED);
    int openDesks = count(stations, StationKind.DESK, null) - count(stations, StationKind.DESK, Station.State.PAUSED);
    int openBooths = count(stations, StationKind.BOOTH, null) - count(stations, StationKind.BOOTH, Station.State.PAUSED);
    if (idleBooth.isPresent() && openBooths >= 2 && boothQueue == 0 && pausedDesk.isPresent() && openDesks > 0
        && deskQueue >= Math.max(2, BEHIND_PER_DESK * openDesks)) {
      String from = idleBooth.get().id().id(), to = pausedDesk.get().id().id();
      out.add(new Alert(AlertCode.BOOTHS_IDLE_DESKS_BEHIND, Optional.of(to), deskQueue, openDesks,
          Optional.of(new Action("moveStaff", Map.of("from", from, "to", to)))));
      advised.add(to);
    }
    boolean noDesk = alarms.stream().anyMatch(a -> a.code() == AlertCode.NO_DESK_OPEN);
    boolean noBooth = alarms.stream().anyMatch(a -> a.code() == AlertCode.NO_BOOTH_OPEN);
    for (Station s : stations) {
      StationKind kind = s.id().kind();
      if (s.state() != Station.State.PAUSED || advised.contains(s.id().id())) continue;
      int queue = kind == StationKind.DESK ? deskQueue : kind == StationKind.BOOTH ? boothQueue : 0;
      // every station of the kind paused: NO_DESK_OPEN / NO_BOOTH_OPEN says it already
      if ((kind == StationKind.DESK && noDesk) || (kind == StationKind.BOOTH && noBooth)) continue;
      if (queue > 0 && queue > count(stations, kind, Station.State.IDLE)) {
        out.add(new Alert(AlertCode.STATION_PAUSED_QUEUE_WAITING, Optional.of(s.id().id()), queue,
            count(stations, kind, Station.State.IDLE), Optional.of(resume(s))));
      }
    }
    if (overTarget && !longWait) {
      Alert a = new Alert(AlertCode.WAIT_OVER_TARGET, Optional.empty(), snap.predictedWaitMin(), site.targetWaitMin());
      out.add(stopWalkIns(site).map(a::with).orElse(a));
    }
    out.sort(Comparator.comparing((Alert a) -> a.code().level()).reversed());
    return out;
  }

  /** The action an alarm's suggestion names, when one press on the dashboard can do it. */
  private static Optional<Action> actionFor(Alert a, SiteConfig site, List<Station> stations) {
    return switch (a.code()) {
      case NO_DESK_OPEN -> first(stations, StationKind.DESK, Station.State.PAUSED).map(Advice::resume);
      case NO_BOOTH_OPEN -> first(stations, StationKind.BOOTH, Station.State.PAUSED).map(Advice::resume);
      case LONG_WAIT, CHECKIN_LIMIT_LOW -> stopWalkIns(site);
      case HALL_NEARLY_FULL, PEOPLE_OUTSIDE -> Optional.of(raiseHall(a.code() == AlertCode.HALL_NEARLY_FULL ? a.limit() : 0, site));
      default -> Optional.empty();
    };
  }

  private static Action resume(Station s) {
    return new Action("resume", Map.of("station", s.id().id()));
  }

  private static Optional<Action> stopWalkIns(SiteConfig site) {
    return site.walkIns() ? Optional.of(new Action("stopWalkIns", Map.of("minutes", STOP_WALK_INS_MIN))) : Optional.empty();
  }

  /** The hall's capacity up by a tenth (at least one seat); {@code now} 0 when the alert does not say it. */
  private static Action raiseHall(long now, SiteConfig site) {
    long from = now > 0 ? now : site.hallCapacity();
    long to = Math.min(100_000, Math.max(from + 1, (long) Math.ceil(from * 1.1)));
    return new Action("raiseCapacity", Map.of("setting", "hallCapacity", "to", to));
  }

  private static int waiting(SiteSnapshot snap, String queue) {
    return snap.queues().stream().filter(q -> q.name().equals(queue)).mapToInt(q -> q.priority() + q.regular()).sum();
  }

  /** Stations of the kind (in that state; any state when {@code state} is null). */
  private static int count(List<Station> stations, StationKind kind, Station.State state) {
    return (int) stations.stream().filter(s -> s.id().kind() == kind && (state == null || s.state() == state)).count();
  }

  private static Optional<Station> first(List<Station> stations, StationKind kind, Station.State state) {
    return stations.stream().filter(s -> s.id().kind() == kind && s.state() == state)
        .min(Comparator.comparing((Station s) -> s.id().number()));
  }

  private static Optional<Station> last(List<Station> stations, StationKind kind, Station.State state) {
    return stations.stream().filter(s -> s.id().kind() == kind && s.state() == state)
        .max(Comparator.comparing((Station s) -> s.id().number()));
  }
}
