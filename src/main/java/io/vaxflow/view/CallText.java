package io.vaxflow.view;

import io.vaxflow.view.Call.Destination;
import java.time.Instant;
import java.util.Map;

/** The words of a call, in Chinese and English, as the loudspeaker says them. */
public final class CallText {

  private CallText() {}

  public static Call call(String eventId, String siteId, String number, String toKind, String toId,
                          Instant at, String batch, int of) {
    Destination to = destination(toKind, toId);
    return new Call(eventId, eventId, siteId, number, to, text(number, to), 1, of, at, batch);
  }

  public static Destination destination(String kind, String id) {
    return switch (kind) {
      case "room" -> new Destination(kind, id, Map.of("zh", "疫苗候诊室", "en", "the vaccine waiting room"));
      case "hall" -> new Destination(kind, id, Map.of("zh", "候诊大厅", "en", "the waiting hall"));
      case "exit" -> new Destination(kind, id, Map.of("zh", "出口", "en", "the exit"));
      case "desk", "booth" -> {
        String n = id.substring(id.indexOf('-') + 1);
        yield kind.equals("desk")
            ? new Destination(kind, id, Map.of("zh", n + "号登记台", "en", "registration desk " + n))
            : new Destination(kind, id, Map.of("zh", n + "号接种台", "en", "vaccination booth " + n));
      }
      default -> new Destination(kind, id, Map.of("zh", id, "en", id));
    };
  }

  public static Map<String, String> text(String number, Destination to) {
    return switch (to.kind()) {
      case "exit" -> Map.of(
          "zh", "请" + number + "号到出口，留观结束，您可以离开了。",
          "en", "Number " + number + ", your observation is over: you may leave now.");
      case "hall" -> Map.of(
          "zh", "请" + number + "号进入" + to.label().get("zh") + "等候。",
          "en", "Number " + number + ", please come into " + to.label().get("en") + ".");
      default -> Map.of(
          "zh", "请" + number + "号到" + to.label().get("zh") + "。",
          "en", "Number " + number + ", please go to " + to.label().get("en") + ".");
    };
  }
}
