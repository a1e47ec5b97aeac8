package io.vaxflow.announce;

import io.vaxflow.store.EventStream;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.regex.Pattern;

/** A hall display's acknowledgement of a call it showed: which display, which call. */
record Ack(String displayId, String callId) {

  private static final Pattern DISPLAY_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");

  /** The ack in a message body, when it names a well-formed display id and call id. */
  static Optional<Ack> of(Object body) {
    if (!(body instanceof JsonObject b)) return Optional.empty();
    String display = b.getValue("displayId") instanceof String s ? s : "";
    String callId = b.getValue("callId") instanceof String s ? s : "";
    if (!DISPLAY_ID.matcher(display).matches() || !EventStream.ID.matcher(callId).matches()) return Optional.empty();
    return Optional.of(new Ack(display, callId));
  }
}
