package io.vaxflow.view;

import java.time.Instant;
import java.util.Map;

/**
 * A call: "Number A042, please go to the vaccine waiting room". One event in the site's stream,
 * said {@code of} times; {@code repeat} is which saying this is. {@code callId} is the event id.
 * {@code text} is the call as written (shown), {@code speech} as a voice says it, the number
 * spelled ("A, zero four two — please go to the vaccine waiting room."), both {zh, en}. {@code back}:
 * a call back to the hall of someone waiting away ("Number A042, please come back to the waiting hall.").
 */
public record Call(String callId, String eventId, String siteId, String number, Destination to,
                   Map<String, String> text, Map<String, String> speech, int repeat, int of, Instant at, String batch,
                   boolean back) {

  /** Where the ticket is called to: kind room | hall | desk | booth | exit, the station id, its label. */
  public record Destination(String kind, String id, Map<String, String> label) {}

  public Call repetition(int n) {
    return new Call(callId, eventId, siteId, number, to, text, speech, n, of, at, batch, back);
  }
}
