package io.vaxflow.flow;

import io.vaxflow.config.OpeningHours;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The state of one site at a moment: counts per stage, queues, stations, recent calls, and
 * whether a manager closed it early today. No personal data.
 */
public record SiteSnapshot(
    String siteId,
    Instant at,
    StageCounts counts,
    int predictedWaitMin,
    int predictedWaitLowMin,
    int predictedWaitHighMin,
    List<Queue> queues,
    List<Station> stations,
    List<CallRecord> recentCalls,
    boolean closedToday) {

  /** Open to new people now: within its hours, and not closed early today. */
  public boolean open(OpeningHours hours) {
    return !closedToday && hours.isOpen(at);
  }

  /** When it next takes new people: now if open; after an early closing, tomorrow's opening. */
  public Instant opensAt(OpeningHours hours) {
    return closedToday ? hours.opensAfter(LocalDate.ofInstant(at, hours.zone())) : hours.opensAt(at);
  }

  public record Queue(String name, int priority, int regular) {}

  /** A call as recorded in the site's event stream ({@code back}: a call back to the hall of someone away). */
  public record CallRecord(String eventId, String number, String toKind, String toId, Instant at, String batch, boolean back) {}
}
