package io.vaxflow.gateway;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.Ticket;
import io.vaxflow.security.TrackToken;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Who may follow a ticket: whoever holds its link, {@code {PUBLIC_URL}/t/{site}/{number}?k={k}}
 * (printed as the ticket's QR code, {@link TrackToken}). The phone page, its track API and the
 * bridge's per-ticket address ({@code announce/LiveBridge}) admit a key that is the ticket's, and
 * treat any other exactly as a number that does not exist.
 */
public final class TicketLinks {

  private final TrackToken tokens;

  public TicketLinks(TrackToken tokens) {
    this.tokens = tokens;
  }

  /** The link of a ticket issued on {@code day}, at {@code origin} (the public URL, no trailing slash). */
  public String link(String origin, String site, String day, String number) {
    return origin + "/t/" + site + "/" + number + "?k=" + URLEncoder.encode(tokens.token(site, day, number), StandardCharsets.UTF_8);
  }

  /** Whether {@code k} is the key of the ticket of {@code day} with that number. */
  public boolean matches(String site, String day, String number, String k) {
    return tokens.matches(site, day, number, k);
  }

  /**
   * The ticket {@code k} opens, as {@code SiteFlow.ticket} reads it; for any other key (or none) the
   * same {@code UNKNOWN_TICKET} as for a number that does not exist, so nothing tells them apart.
   */
  public Future<Ticket> open(SiteFlow flow, String number, String k) {
    return flow.ticket(number).compose(t -> matches(flow.site().id(), t.day(), t.number(), k)
        ? Future.succeededFuture(t)
        : Future.failedFuture(unknown()));
  }

  /** What a number that does not exist gets: {@code 404 UNKNOWN_TICKET} (as lua/ticket.lua refuses it). */
  public static Rejection unknown() {
    return new Rejection(ErrorCode.UNKNOWN_TICKET, new JsonObject().put("field", "number"));
  }

  /**
   * The day of the ticket that has that number in the site now (asked of Redis), if {@code k} is its
   * key; empty for any other key, or none.
   */
  public Future<Optional<String>> admit(SiteFlow flow, String number, String k) {
    if (k == null || k.isEmpty()) return Future.succeededFuture(Optional.empty());
    return flow.liveDay(number).map(day -> day.filter(d -> tokens.matches(flow.site().id(), d, number, k)));
  }
}
