package io.vaxflow.flow;

import java.util.Arrays;
import java.util.Optional;

/** What staff can do at a station, each one transition script; "next" and "transfer" have their own. */
public enum StationAction {
  RECALL("recall", "recall"),
  START("start", "start"),
  DONE("done", "done"),
  NO_SHOW("no-show", "no_show"),
  RETURN("return", "return"),
  PAUSE("pause", "pause"),
  RESUME("resume", "resume");

  private final String path;
  private final String script;

  StationAction(String path, String script) {
    this.path = path;
    this.script = script;
  }

  /** The last segment of the action's route: {@code /stations/desk-1/no-show}. */
  public String path() {
    return path;
  }

  String script() {
    return script;
  }

  public static Optional<StationAction> of(String path) {
    return Arrays.stream(values()).filter(a -> a.path.equals(path)).findFirst();
  }
}
