package io.vaxflow.announce;

import io.vaxflow.store.EventStream;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a hall display sends: its acknowledgement of a call it showed ({@code {displayId, callId,
 * repeat, sound}}), or its hello when it connects or its sound changes ({@code {displayId, hello:
 * true, sound}}). {@code sound} says whether it can be heard ({@link Displays.Sound}); a display of
 * an earlier release leaves it out.
 */
record Ack(String displayId, Optional<String> callId, Optional<Displays.Sound> sound) {

  private static final Pattern DISPLAY_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");

  /** The ack or hello in a message body, when it names a well-formed display id and a call id (or says hello). */
  static Optional<Ack> of(Object body) {
    if (!(body instanceof JsonObject b)) return Optional.empty();
    String display = b.getValue("displayId") instanceof String s ? s : "";
    if (!DISPLAY_ID.matcher(display).matches()) return Optional.empty();
    Optional<Displays.Sound> sound = Displays.Sound.of(b.getValue("sound"));
    if (Boolean.TRUE.equals(b.getValue("hello")) && !b.containsKey("callId")) return Optional.of(new Ack(display, Optional.empty(), sound));
    String callId = b.getValue("callId") instanceof String s ? s : "";
    if (!EventStream.ID.matcher(callId).matches()) return Optional.empty();
    return Optional.of(new Ack(display, Optional.of(callId), sound));
  }
}
