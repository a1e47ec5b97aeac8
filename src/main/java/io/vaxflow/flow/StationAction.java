package io.vaxflow.flow;

import io.vaxflow.flow.Station.State;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What staff can do at a station: the table the station's routes ({@code POST
 * /stations/:station/<path>}), {@link SiteFlow#act} and the staff page's buttons are made from.
 * Each action is one transition script of the store's table ({@link Script}) and applies to a
 * station in the states listed (the script itself refuses the others: the states are what the
 * tablet offers). Adding one: docs/architecture.md, "Adding a transition".
 */
public enum StationAction {
  NEXT("next", station(Script.CALL_NEXT), State.IDLE),
  RECALL("recall", station(Script.RECALL), State.CALLED),
  START("start", station(Script.START), State.CALLED),
  DONE("done", station(Script.DONE), State.CALLED, State.SERVING),
  NO_SHOW("no-show", station(Script.NO_SHOW), State.CALLED),
  RETURN("return", station(Script.RETURN), State.CALLED, State.SERVING),
  /** To another station of the same kind, or to the head of a queue ("room", "vaccination"): the body's {@code to}. */
  TRANSFER("transfer", new Call<>(Script.TRANSFER, ScriptArgs.Transfer::new), State.CALLED, State.SERVING),
  PAUSE("pause", station(Script.PAUSE), State.IDLE),
  RESUME("resume", station(Script.RESUME), State.PAUSED);

  /** The script of an action and how its arguments are made from the station (and the target, a transfer's). */
  record Call<A extends Record>(Script<A> script, BiFunction<String, String, A> args) {
    Future<JsonObject> run(Scripts scripts, Scripts.At at, String station, String target) {
      return scripts.run(script, at, args.apply(station, target));
    }
  }

  private static Call<ScriptArgs.OfStation> station(Script<ScriptArgs.OfStation> script) {
    return new Call<>(script, (station, target) -> new ScriptArgs.OfStation(station));
  }

  private final String path;
  private final Call<?> call;
  private final Set<State> states;

  StationAction(String path, Call<?> call, State first, State... more) {
    this.path = path;
    this.call = call;
    this.states = EnumSet.of(first, more);
  }

  /** The last segment of the action's route: {@code /stations/desk-1/no-show}. */
  public String path() {
    return path;
  }

  /** Its name in the dictionaries: {@code staff.actions.<key>} (its button), {@code staff.results.<key>} (what it did). */
  public String key() {
    String[] words = path.split("-");
    StringBuilder key = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) key.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    return key.toString();
  }

  /** The transition script it runs. */
  public Script<?> script() {
    return call.script();
  }

  /** The station states it applies in. */
  public Set<State> states() {
    return states;
  }

  /** Whether it takes a target (the body's {@code to}). */
  public boolean takesTarget() {
    return this == TRANSFER;
  }

  Future<JsonObject> run(Scripts scripts, Scripts.At at, StationId station, String target) {
    return call.run(scripts, at, station.id(), target);
  }
}
