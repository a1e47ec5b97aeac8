package io.vaxflow.checkin;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Rejection;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.Ticket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The kiosk's "take a number": the essay's interceptor. Checks the voucher (site, day, time,
 * already used) and issues today's ticket, or rejects with a reason and what to do instead.
 */
public final class Checkin {

  /** What the kiosk was given: a voucher, or a walk-in's particulars. */
  public sealed interface Request permits WithVoucher, WalkIn {}

  public record WithVoucher(String voucher) implements Request {}

  public record WalkIn(String name, String idNumber, int dose) implements Request {}

  /** The ticket issued; {@code replay} when an earlier request with the same key issued it. */
  public record Result(Ticket ticket, boolean replay) {}

  private final VaxflowConfig config;
  private final RateLimiter limiter;

  public Checkin(VaxflowConfig config, RateLimiter limiter) {
    this.config = config;
    this.limiter = limiter;
  }

  /** Checks in at the site's kiosk; {@code clientAddress} draws on the kiosk's rate-limit buckets. */
  public Future<Result> checkIn(SiteFlow flow, Request request, Optional<String> idempotencyKey, String clientAddress) {
    SiteConfig site = flow.site();
    List<String> args;
    if (request instanceof WithVoucher v) {
      Voucher voucher = Voucher.read(config.voucherSecret(), v.voucher())
          .orElseThrow(() -> new Rejection("VOUCHER_INVALID",
              "This voucher is not valid. Check the code, book an appointment, or ask staff."));
      if (!voucher.siteCode().equals(site.code())) throw wrongSite(voucher);
      args = List.of("appt", voucher.code(), idempotencyKey.orElse(""), "", "", "", earlyMs());
    } else {
      WalkIn w = (WalkIn) request;
      if (!site.walkIns()) {
        JsonArray others = new JsonArray();
        config.sites().stream().filter(SiteConfig::walkIns).forEach(s -> others.add(s.id()));
        throw new Rejection("WALK_IN_NOT_ALLOWED",
            "This site takes appointments only. Book one, or go to a site that takes walk-ins.",
            new JsonObject().put("walkInSites", others));
      }
      args = List.of("walkin", "", idempotencyKey.orElse(""), w.name(), w.idNumber(), String.valueOf(w.dose()), earlyMs());
    }
    List<String> argv = new java.util.ArrayList<>(args);
    argv.addAll(limiter.kioskArgs());
    return flow.run("checkin", RateLimiter.kioskKeys(site.id(), clientAddress), "kiosk", argv)
        .recover(err -> Future.failedFuture(explain(err, flow)))
        .map(reply -> new Result(flow.ticketOf(reply), reply.getBoolean("replay", false)));
  }

  private String earlyMs() {
    return String.valueOf(config.flow().checkinEarlyMin() * 60_000L);
  }

  private Rejection wrongSite(Voucher voucher) {
    Optional<SiteConfig> right = config.sites().stream().filter(s -> s.code().equals(voucher.siteCode())).findFirst();
    if (right.isEmpty()) return new Rejection("VOUCHER_INVALID", "This voucher is not valid. Book an appointment, or ask staff.");
    SiteConfig s = right.get();
    return new Rejection("VOUCHER_WRONG_SITE", "This appointment is at " + s.name("en") + ". Please go there.",
        new JsonObject().put("siteId", s.id()).put("siteName", new JsonObject().put("zh", s.name("zh")).put("en", s.name("en")))
            .put("address", new JsonObject().put("zh", s.address("zh")).put("en", s.address("en"))));
  }

  /** Rejections from the script get their human sentence and ISO times in the site's zone. */
  private Throwable explain(Throwable err, SiteFlow flow) {
    if (!(err instanceof Rejection r)) return err;
    return switch (r.code()) {
      case "RATE_LIMITED" -> RateLimiter.limited(r.details().getLong("retryAfterMs", 1000L));
      case "TOO_EARLY" -> {
        OffsetDateTime from = OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.details().getLong("from")), config.timeZone());
        yield new Rejection("TOO_EARLY", "Too early for this appointment: please come back at "
            + String.format("%02d:%02d", from.getHour(), from.getMinute()) + ".",
            new JsonObject().put("from", from.toString()));
      }
      case "VOUCHER_WRONG_DAY" -> new Rejection("VOUCHER_WRONG_DAY",
          "This appointment is for " + r.details().getString("day") + ", not today.", r.details());
      case "ALREADY_CHECKED_IN" -> new Rejection("ALREADY_CHECKED_IN",
          "Already checked in today: your number is " + r.details().getString("number") + ".", r.details());
      default -> r;
    };
  }
}
