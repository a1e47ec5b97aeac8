package io.vaxflow.monitor;

import io.vaxflow.flow.SiteFlow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.OptionalDouble;

/**
 * How often the predicted waits came true: of the latest booth calls (at most 100, within the last
 * hour) of tickets that got a prediction at check-in, the share whose wait from check-in to
 * booth call fell within that predicted range ({@code lua/wait_accuracy.lua}).
 */
public record WaitAccuracy(int calls, int within, OptionalDouble share) {

  public static final WaitAccuracy UNKNOWN = new WaitAccuracy(0, 0, OptionalDouble.empty());

  public static Future<WaitAccuracy> of(SiteFlow flow) {
    return flow.waitAccuracy().map(r -> new WaitAccuracy(
        r.getInteger("calls", 0), r.getInteger("within", 0),
        r.containsKey("share") ? OptionalDouble.of(r.getDouble("share")) : OptionalDouble.empty()));
  }

  public JsonObject toJson() {
    return new JsonObject().put("calls", calls).put("within", within)
        .put("share", share.isPresent() ? Math.round(share.getAsDouble() * 1000) / 1000.0 : null);
  }
}
