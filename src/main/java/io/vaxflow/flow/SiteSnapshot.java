package io.vaxflow.flow;

import java.time.Instant;
import java.util.List;

/** The state of one site at a moment: counts per stage, queues, stations, recent calls. No personal data. */
public record SiteSnapshot(
    String siteId,
    Instant at,
    StageCounts counts,
    int predictedWaitMin,
    int predictedWaitLowMin,
    int predictedWaitHighMin,
    List<Queue> queues,
    List<Station> stations,
    List<CallRecord> recentCalls) {

  public record Queue(String name, int priority, int regular) {}

  /** A call as recorded in the site's event stream. */
  public record CallRecord(String eventId, String number, String toKind, String toId, Instant at, String batch) {}
}
