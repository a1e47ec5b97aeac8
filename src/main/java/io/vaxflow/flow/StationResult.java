package io.vaxflow.flow;

import java.util.Optional;

/**
 * What a station action leaves: the ticket it concerned (if any), the station, the site's counts, and the shot a
 * booth's {@code done} gave (lua/lib/stock.lua).
 */
public record StationResult(Optional<Ticket> ticket, Station station, StageCounts counts, Optional<Shot> shot) {

  /**
   * A shot given: its stable id ({@code <site>-<day>-<number>-d<dose>}), the product and lot ('' at a site whose stock
   * is not required, given without an open vial), the dose, and the doses left in the vial (empty without one).
   */
  public record Shot(String shotId, String product, String lot, int dose, Optional<Integer> dosesLeft) {}
}
