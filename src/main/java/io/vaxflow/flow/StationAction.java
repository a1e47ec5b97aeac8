package io.vaxflow.flow;

import java.util.Arrays;
import java.util.Optional;

/** What staff can do at a station, each one transition script (SiteFlow#act); "next" and "transfer" have their own. */
public enum StationAction {
  RECALL("recall"),
  START("start"),
  DONE("done"),
  NO_SHOW("no-show"),
  RETURN("return"),
  PAUSE("pause"),
  RESUME("resume");

  private final String path;

  StationAction(String path) {
    this.path = path;
  }

  /** The last segment of the action's route: {@code /stations/desk-1/no-show}. */
  public String path() {
    return path;
  }

  public static Optional<StationAction> of(String path) {
    return Arrays.stream(values()).filter(a -> a.path.equals(path)).findFirst();
  }
}
