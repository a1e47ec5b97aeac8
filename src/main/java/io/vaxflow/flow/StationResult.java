package io.vaxflow.flow;

import java.util.Optional;

/** What a station action leaves: the ticket it concerned (if any), the station, the site's counts. */
public record StationResult(Optional<Ticket> ticket, Station station, StageCounts counts) {}
