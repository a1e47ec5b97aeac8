package io.vaxflow.flow;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;

/**
 * Predicted waits, from the people ahead at each stage and the configured service time of desks
 * and booths: the time until a ticket reaches its vaccination booth.
 */
public final class WaitModel {

  private final double deskPerMin;
  private final double boothPerMin;

  public WaitModel(SiteConfig site, VaxflowConfig.Flow flow) {
    this.deskPerMin = site.desks() / flow.deskServiceMin();
    this.boothPerMin = site.booths() / flow.boothServiceMin();
  }

  /** For someone checking in now. */
  public int forNewArrival(StageCounts c) {
    return minutes(c.outside() + c.hall() + c.room() + c.desk(), c.vaccination());
  }

  public int forTicket(Ticket t, StageCounts c) {
    int ahead = t.peopleAhead();
    return switch (t.stage()) {
      case OUTSIDE -> minutes(ahead + c.hall() + c.room(), c.vaccination());
      case HALL -> t.state() == TicketState.CALLED
          ? minutes(c.room(), c.vaccination())
          : minutes(ahead + c.room() + c.toRoom(), c.vaccination());
      case ROOM -> minutes(ahead, c.vaccination());
      case DESK -> minutes(0, c.vaccination());
      case VACCINATION -> t.state() == TicketState.WAITING ? minutes(0, ahead) : 0;
      case BOOTH, OBSERVATION, RELEASED -> 0;
    };
  }

  private int minutes(int beforeDesk, int beforeBooth) {
    return (int) Math.ceil(beforeDesk / deskPerMin + beforeBooth / boothPerMin);
  }
}
