package io.vaxflow.view;

import io.vaxflow.view.Call.Destination;
import java.time.Instant;
import java.util.Map;

/**
 * A call and its words in Chinese and English, as the loudspeaker says them: the dictionaries'
 * {@code common.call} ({@link Words}), which the pages read too.
 */
public final class CallText {

  private CallText() {}

  public static Call call(String eventId, String siteId, String number, String toKind, String toId,
                          Instant at, String batch, int of) {
    Destination to = destination(toKind, toId);
    return new Call(eventId, eventId, siteId, number, to, text(number, to), 1, of, at, batch);
  }

  /** Where to: "the vaccine waiting room", "registration desk 2" (common.call.to); an unknown kind by its id. */
  public static Destination destination(String kind, String id) {
    if (!Words.of("en").getJsonObject("common").getJsonObject("call").getJsonObject("to").containsKey(kind)) {
      return new Destination(kind, id, Map.of("zh", id, "en", id));
    }
    String n = id.substring(id.indexOf('-') + 1);
    return new Destination(kind, id, Words.both("common.call.to." + kind, Map.of("n", n)));
  }

  /** The sentence said (common.call.says): to the exit, into the hall, or to go somewhere. */
  public static Map<String, String> text(String number, Destination to) {
    String says = switch (to.kind()) {
      case "exit", "hall" -> to.kind();
      default -> "go";
    };
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String lang : Words.LANGS) {
      out.put(lang, Words.text(lang, "common.call.says." + says, Map.of("number", number, "to", to.label().get(lang))));
    }
    return out;
  }
}
