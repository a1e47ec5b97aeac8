package io.vaxflow.flow;

import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * What a manager has switched at a site for today (lua/site_mode.lua, honoured by lua/checkin.lua):
 * walk-ins stopped until a moment (appointments still check in), and the site closed early (no new
 * check-ins; the people inside carry on).
 */
public record SiteMode(Optional<Instant> walkInsStoppedUntil, boolean closedToday) {

  /** The site's mode now. */
  public static Future<SiteMode> of(SiteFlow flow) {
    return change(flow, new ScriptArgs.SiteMode(null, null), Actor.of("public"));
  }

  /** Walk-ins stopped until {@code until}, or allowed again (empty). */
  public static Future<SiteMode> stopWalkIns(SiteFlow flow, Optional<Instant> until, Actor by) {
    return change(flow, new ScriptArgs.SiteMode(until.map(Instant::toEpochMilli).orElse(0L), null), by);
  }

  /** The site closed for the rest of today, or reopened. */
  public static Future<SiteMode> closeToday(SiteFlow flow, boolean closed, Actor by) {
    return change(flow, new ScriptArgs.SiteMode(null, closed), by);
  }

  private static Future<SiteMode> change(SiteFlow flow, ScriptArgs.SiteMode args, Actor actor) {
    return flow.run(actor, at -> flow.scripts().run(Script.SITE_MODE, at, args)).map(r -> {
      long until = r.getLong("walkInsStoppedUntil", 0L);
      return new SiteMode(until > 0 ? Optional.of(Instant.ofEpochMilli(until)) : Optional.empty(), r.getBoolean("closedToday", false));
    });
  }
}
