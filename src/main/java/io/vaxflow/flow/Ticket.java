package io.vaxflow.flow;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** One patient's ticket as anyone may see it: no name, no ID number. */
public record Ticket(
    String number,
    String siteId,
    String category,
    Stage stage,
    TicketState state,
    Optional<String> station,
    int peopleAhead,
    int predictedWaitMin,
    int predictedWaitLowMin,
    int predictedWaitHighMin,
    Instant createdAt,
    int recalls,
    Optional<LastCall> lastCall,
    Optional<String> verified,
    String day,
    String where,
    boolean away,
    boolean awayAllowed) {

  // day: the site-local date the ticket was issued on (a ticket may outlive its day, see lua/lib/site.lua).
  // where: where its holder should be or go now, a key of common.where (lib/waits.lua where_to); empty
  // in the replies to staff actions, which do not compute it.
  // away: the person waits away from the hall (lua/away.lua); awayAllowed: they may go and wait away
  // now (waiting outside or in the hall, not away, not called back).

  /** The latest call of this ticket: which event, where to, when; {@code back} a call back to the hall of someone away. */
  public record LastCall(String eventId, String toKind, String toId, Instant at, boolean back) {}

  /**
   * From a script's ticket view, with the predicted wait the script put in it ({@link WaitModel}; none
   * in the replies to staff actions).
   * {@code verified} is how check-in verified it: {@code appt} (the registry vouched for the
   * appointment), {@code offline} (only the signed voucher was checked, the registry being
   * unreachable: the desk checks identity) or {@code walkin}.
   */
  static Ticket from(String siteId, JsonObject v) {
    String station = v.getString("station", "");
    String callId = v.getString("lastCallId", "");
    WaitModel wait = WaitModel.from(v.getJsonObject("wait"));
    return new Ticket(
        v.getString("number"), siteId, v.getString("category"),
        Stage.of(v.getString("stage")), TicketState.of(v.getString("state")),
        station.isEmpty() ? Optional.empty() : Optional.of(station),
        v.getInteger("peopleAhead", 0), wait.min(), wait.lowMin(), wait.highMin(),
        Instant.ofEpochMilli(v.getLong("createdAt", 0L)), v.getInteger("recalls", 0),
        callId.isEmpty() ? Optional.empty() : Optional.of(new LastCall(
            callId, v.getString("lastCallKind"), v.getString("lastCallTo"),
            Instant.ofEpochMilli(v.getLong("lastCallAt", 0L)), v.getBoolean("lastCallBack", false))),
        Optional.ofNullable(v.getString("verified")).filter(x -> !x.isEmpty()),
        v.getString("day", ""), v.getString("where", ""), v.getBoolean("away", false), v.getBoolean("awayAllowed", false));
  }
}
