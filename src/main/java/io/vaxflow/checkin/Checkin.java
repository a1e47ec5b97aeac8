package io.vaxflow.checkin;

import io.vaxflow.appointment.Voucher;
import io.vaxflow.appointment.RegistryClient;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Rejection;
import io.vaxflow.gateway.DeviceCaller;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.security.IdDocument;
import io.vaxflow.security.PersonKey;
import io.vaxflow.security.PersonalData;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.metrics.AppMetrics;
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
 * already used) and issues today's ticket, or rejects with a reason and what to do instead. Only the
 * site's enrolled kiosks get here (web/KioskRoutes, {@link io.vaxflow.gateway.Access#device}).
 */
public final class Checkin {

  /** What the kiosk was given: a voucher, or a walk-in's particulars. */
  public sealed interface Request permits WithVoucher, WalkIn {}

  public record WithVoucher(String voucher) implements Request {}

  public record WalkIn(String name, IdDocument idType, String idNumber, int dose) implements Request {
    /** A resident ID card's holder. */
    public WalkIn(String name, String idNumber, int dose) {
      this(name, IdDocument.RESIDENT, idNumber, dose);
    }
  }

  /** The ticket issued; {@code replay} when an earlier request with the same key issued it. */
  public record Result(Ticket ticket, boolean replay) {}

  private final VaxflowConfig config;
  private final RateLimiter limiter;
  private final RegistryClient registry;

  private final AppMetrics metrics;
  private final PersonKey people;
  private final PersonalData personal;

  public Checkin(VaxflowConfig config, RateLimiter limiter, RegistryClient registry, AppMetrics metrics) {
    this.config = config;
    this.limiter = limiter;
    this.registry = registry;
    this.metrics = metrics;
    this.people = PersonKey.fromVoucherSecret(config.voucherSecret());
    this.personal = PersonalData.fromVoucherSecret(config.voucherSecret());
  }

  /**
   * Checks in at one of the site's kiosks. What can be told without Redis is told first and costs nothing
   * else: the site's hours, walk-ins taken here, a voucher's form and signature, its site. Only a request that
   * could be real draws on the buckets (the kiosk's, the site's): a walk-in or an offline voucher inside the
   * check-in script (one round trip), a voucher the registry must be asked about before it is asked
   * (kiosk_gate.lua: an unknown code never reaches the registry unthrottled). The script, and the gate, refuse
   * a kiosk whose enrolment was withdrawn before they take a token.
   */
  public Future<Result> checkIn(SiteFlow flow, Request request, Optional<String> idempotencyKey, DeviceCaller kiosk) {
    Future<Result> outcome;
    try {
      outcome = attempt(flow, request, idempotencyKey, kiosk);
    } catch (Rejection r) {
      outcome = Future.failedFuture(r);
    }
    return outcome.onComplete(ar -> metrics.checkIn(flow.site().id(), ar.succeeded()
        ? (ar.result().replay() ? "replay" : "created")
        : ar.cause() instanceof Rejection r ? r.code() : "error"));
  }

  /** The server's own check-ins (the simulator's synthetic people): a kiosk of its own, by that name. */
  public Future<Result> checkIn(SiteFlow flow, Request request, Optional<String> idempotencyKey, String serverPart) {
    return checkIn(flow, request, idempotencyKey, new DeviceCaller.Local(serverPart));
  }

  private Future<Result> attempt(SiteFlow flow, Request request, Optional<String> idempotencyKey, DeviceCaller kiosk) {
    SiteConfig site = flow.site();
    Instant now = flow.now();
    // A closed site takes nobody, before anything about the voucher but its signature: a standby invitation's signed
    // voucher (category S, today) still checks in after hours, for the doses left over (checkin.lua checks it holds).
    if (!site.hours().isOpen(now) && !standbyToday(request, flow)) throw Rejection.siteClosed(site, now);
    String key = idempotencyKey.orElse("");
    if (request instanceof WalkIn w) {
      if (!site.walkIns()) {
        JsonArray others = new JsonArray();
        config.sites().stream().filter(SiteConfig::walkIns).forEach(s -> others.add(s.id()));
        throw new Rejection(ErrorCode.WALK_IN_NOT_ALLOWED,
            "This site takes appointments only. Book one, or go to a site that takes walk-ins.",
            new JsonObject().put("walkInSites", others));
      }
      return issue(flow, kiosk, true, "walkin", "", key, w.name(), w.idType(), w.idNumber(), w.dose(), null);
    }
    Voucher voucher = Voucher.read(config.voucherSecret(), ((WithVoucher) request).voucher())
        .orElseThrow(() -> new Rejection(ErrorCode.VOUCHER_INVALID,
            "This voucher is not valid. Check the code, book an appointment, or ask staff."));
    if (!voucher.siteCode().equals(site.code())) throw wrongSite(voucher.siteCode());
    return limiter.kioskGate(site.id(), kiosk, now.toEpochMilli()).compose(charged -> registry.find(voucher.code()).transform(asked -> {
      if (asked.succeeded()) {
        RegistryClient.Appointment a = asked.result().orElseThrow(() -> new Rejection(ErrorCode.VOUCHER_INVALID,
            "No appointment has this code. Check the code, book an appointment, or ask staff."));
        if (!a.siteId().equals(site.id())) throw wrongSite(a.code().substring(0, 2));
        IdDocument idType = IdDocument.of(a.idType()).orElse(IdDocument.RESIDENT);
        return issue(flow, kiosk, false, "appt", a.code(), key, a.name(), idType, a.idNumber(), a.dose(),
            new ScriptArgs.Appointment(a.day(), a.slotStart(), !a.category().isEmpty() ? a.category() : a.priority().isEmpty() ? "A" : "P"));
      }
      // The registry cannot be asked (down, slow, or its breaker open): a signed voucher carries
      // its site, day, slot and category, so it can be checked here; the desk checks identity.
      if (voucher.day().isEmpty()) {
        return Future.failedFuture(new Rejection(ErrorCode.UNAVAILABLE,
            "The appointment registry cannot be reached: please scan the QR code of your voucher, or ask staff.",
            new JsonObject().put("retryAfterSec", 5)));
      }
      long slotStart = voucher.day().get().atTime(voucher.slot().get()).atZone(config.timeZone()).toInstant().toEpochMilli();
      return issue(flow, kiosk, false, "offline", voucher.code(), key, "", IdDocument.RESIDENT, "", 1,
          new ScriptArgs.Appointment(voucher.day().get().toString(), slotStart, voucher.category().get()));
    }));
  }

  /**
   * Runs the check-in script ({@code appointment} null for a walk-in); {@code takeTokens} when the
   * script takes the kiosk's tokens itself. The name and ID number go to the store sealed, and the person as
   * their keyed hash (a second ticket of the same person that day is told to the desk by it).
   */
  private Future<Result> issue(SiteFlow flow, DeviceCaller kiosk, boolean takeTokens, String mode, String code,
                               String idemKey, String name, IdDocument idType, String idNumber, int dose,
                               ScriptArgs.Appointment appointment) {
    List<String> keys = takeTokens ? RateLimiter.kioskKeys(flow.site().id(), kiosk) : List.of();
    String person = idNumber == null || idNumber.isBlank() ? "" : people.person(idType, idNumber);
    ScriptArgs.Checkin args = new ScriptArgs.Checkin(mode, code, idemKey, personal.seal(name),
        personal.seal(idNumber == null ? "" : IdDocument.normalize(idNumber)), person, dose, earlyMs(), kiosk.hash(),
        takeTokens ? limiter.kioskLimits() : List.of(), appointment);
    return flow.checkin(keys, args)
        .recover(err -> Future.failedFuture(closedEarly(flow, explain(err))))
        .map(reply -> new Result(flow.ticketOf(reply), reply.getBoolean("replay", false)));
  }

  private boolean standbyToday(Request request, SiteFlow flow) {
    if (!(request instanceof WithVoucher v)) return false;
    return Voucher.read(config.voucherSecret(), v.voucher())
        .filter(x -> x.category().filter(Voucher.STANDBY::equals).isPresent() && x.day().filter(flow.today()::equals).isPresent())
        .isPresent();
  }

  /** The site was closed early today by its manager: refused as closed, opening again on its next day. */
  private static Throwable closedEarly(SiteFlow flow, Throwable err) {
    if (!(err instanceof Rejection r) || !r.details().getBoolean("closedEarly", false)) return err;
    Rejection next = Rejection.siteClosed(flow.site(), flow.site().hours().opensAfter(flow.today()));
    return new Rejection(ErrorCode.SITE_CLOSED, "The site has closed early today. " + next.getMessage(),
        next.details().put("closedEarly", true));
  }

  private long earlyMs() {
    return config.flow().checkinEarlyMin() * 60_000L;
  }

  private Rejection wrongSite(String siteCode) {
    Optional<SiteConfig> right = config.sites().stream().filter(s -> s.code().equals(siteCode)).findFirst();
    if (right.isEmpty()) return new Rejection(ErrorCode.VOUCHER_INVALID, "This voucher is not valid. Book an appointment, or ask staff.");
    SiteConfig s = right.get();
    return new Rejection(ErrorCode.VOUCHER_WRONG_SITE, "This appointment is at " + s.name("en") + ". Please go there.",
        new JsonObject().put("siteId", s.id()).put("siteName", new JsonObject().put("zh", s.name("zh")).put("en", s.name("en")))
            .put("address", new JsonObject().put("zh", s.address("zh")).put("en", s.address("en"))));
  }

  /** Rejections from the script get their human sentence and ISO times in the site's zone. */
  private Throwable explain(Throwable err) {
    if (!(err instanceof Rejection r) || r.errorCode().isEmpty()) return err;
    return switch (r.errorCode().get()) {
      case RATE_LIMITED -> RateLimiter.limited(r.details().getLong("retryAfterMs", 1000L));
      case TOO_EARLY -> {
        OffsetDateTime from = OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.details().getLong("from")), config.timeZone());
        yield new Rejection(ErrorCode.TOO_EARLY, "Too early for this appointment: please come back at "
            + String.format("%02d:%02d", from.getHour(), from.getMinute()) + ".",
            new JsonObject().put("from", from.toString()));
      }
      case VOUCHER_WRONG_DAY -> new Rejection(ErrorCode.VOUCHER_WRONG_DAY,
          "This appointment is for " + r.details().getString("day") + ", not today.", r.details());
      case ALREADY_CHECKED_IN -> new Rejection(ErrorCode.ALREADY_CHECKED_IN,
          "Already checked in today: your number is " + r.details().getString("number") + ".", r.details());
      case WALK_INS_STOPPED -> {
        OffsetDateTime until = OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.details().getLong("untilMs")), config.timeZone());
        yield new Rejection(ErrorCode.WALK_INS_STOPPED, "Walk-ins are paused here until "
            + String.format("%02d:%02d", until.getHour(), until.getMinute()) + ": please come back then, or book an appointment.",
            new JsonObject().put("until", until.toString()));
      }
      default -> r;
    };
  }
}
