package io.vaxflow.dispatch;

import io.vaxflow.appointment.Voucher;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.security.IdDocument;
import io.vaxflow.security.PeerProof;
import io.vaxflow.security.PersonalData;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The city's dispatcher (the essay's global load balancing, its "intelligent DNS": the nearest
 * line, or an idle one): books a person onto the site asked for, else the one with the least
 * travel plus predicted wait that has a free slot that day, and issues the signed voucher.
 * Waits are the sites' live predictions for today; for a later day only distance counts.
 * Sites other servers run ({@link RemoteSite}) are polled for their load and booked through their
 * server's API; one that does not answer is left out until it answers again.
 */
public final class Dispatcher {

  public enum Priority { ELDERLY, DISABLED, PREGNANT }

  /** A booking asked for: who (their document, its number already checked at the edge), where, which day. */
  public record Booking(String name, IdDocument idType, String idNumber, String phone, int dose, LocalDate day,
                        Optional<Double> lat, Optional<Double> lon, Optional<String> community,
                        Optional<String> siteId, Optional<Priority> priority, boolean anaphylaxisHistory) {
    /** A booking of someone with a resident ID and without an anaphylaxis history. */
    public Booking(String name, String idNumber, String phone, int dose, LocalDate day, Optional<Double> lat,
                   Optional<Double> lon, Optional<String> community, Optional<String> siteId, Optional<Priority> priority) {
      this(name, IdDocument.RESIDENT, idNumber, phone, dose, day, lat, lon, community, siteId, priority, false);
    }
  }

  /**
   * How a booking came to be: {@link #NEW}, or a change of the booking {@code previous} ('site/code') that changed
   * {@code changed} (its day, its site, its flag: 'day,site').
   */
  public record Origin(String changed, String previous) {
    public static final Origin NEW = new Origin("", null);
  }

  /** A booking a person holds, as its site keeps it (a remote site's as its server tells). */
  public record Held(int dose, String appointmentId, String code, SiteConfig site, LocalDate day, LocalTime slot,
                     String voucher, Optional<Priority> priority, boolean anaphylaxisHistory) {}

  /** Why a site was chosen. */
  public enum Reason { REQUESTED, NEAREST, LESS_WAIT, NEAREST_FULL }

  /** A site considered: its distance (none when asked for by id) and its predicted wait now. */
  public record Candidate(SiteConfig site, Optional<Double> km, int waitMin) {
    double cost() {
      return Dispatcher.cost(km.orElse(0.0), waitMin);
    }
  }

  public record Appointment(String appointmentId, String code, SiteConfig site, LocalDate day, LocalTime slot,
                            String voucher, int predictedWaitMin, String reason, Reason reasonCode,
                            Optional<Double> distanceKm, int siteWaitMin, Optional<Candidate> nearest) {}

  /** Minutes to cover a kilometre across the city, door to door (about 20 km/h). */
  public static final double MINUTES_PER_KM = 3.0;

  /** What a site costs a person: the trip there plus the predicted wait, in minutes. */
  public static double cost(double km, int waitMin) {
    return km * MINUTES_PER_KM + waitMin;
  }

  /** The city-wide bucket the booking spike is shaped by (one per city, in its own hash slot). */
  static final String SPIKE_BUCKET = io.vaxflow.store.SiteKeys.BOOKINGS_BUCKET;

  private final Vertx vertx;
  private final VaxflowConfig config;
  private final Map<String, SiteFlow> flows;
  private final Scripts store;
  private final WebClient http; // kept in a field: an unreferenced client is closed mid-request
  private final Map<String, RemoteSite> remotes = new LinkedHashMap<>();
  private final PeerProof peers;
  private final PersonalData personal;

  public Dispatcher(Vertx vertx, VaxflowConfig config, Map<String, SiteFlow> flows, Scripts store) {
    this.vertx = vertx;
    this.config = config;
    this.flows = flows;
    this.store = store;
    this.peers = PeerProof.fromVoucherSecret(config.voucherSecret());
    this.personal = PersonalData.fromVoucherSecret(config.voucherSecret());
    this.http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(config.remote().timeoutMs())
        .setKeepAlive(true).setIdleTimeout(30));
    for (SiteConfig s : config.remoteSites()) remotes.put(s.id(), new RemoteSite(vertx, http, s, config.remote(), peers));
    if (!remotes.isEmpty()) {
      pollRemotes();
      vertx.setPeriodic(config.remote().pollMs(), id -> pollRemotes());
    }
  }

  /** The sites other servers run, as last polled. */
  public Collection<RemoteSite> remotes() {
    return remotes.values();
  }

  private void pollRemotes() {
    remotes.values().forEach(RemoteSite::poll);
  }

  /**
   * The booking spike's admission (traffic shaping): each booking takes its place in line at the
   * city-wide bucket and goes on when its turn comes, in arrival order at the bucket's rate; only
   * one that would wait longer than {@code limits.bookingQueueSec} gets 429 with Retry-After. A
   * person who gave up (closed the connection) while waiting is not booked.
   */
  public Handler<RoutingContext> admission() {
    VaxflowConfig.Bucket b = config.limits().bookings();
    ScriptArgs.RateQueue line = new ScriptArgs.RateQueue(b.rate(), b.burst(), config.limits().bookingQueueSec() * 1000L);
    return ctx -> store.run(Script.RATE_QUEUE, new Scripts.At(List.of(SPIKE_BUCKET), System.currentTimeMillis(), "", "public"), line)
        .onSuccess(reply -> {
          if (reply.containsKey("err")) {
            ctx.fail(RateLimiter.limited(reply.getLong("retryAfterMs", 1000L)));
            return;
          }
          long wait = reply.getLong("waitMs", 0L);
          if (wait <= 0) {
            ctx.next();
            return;
          }
          vertx.setTimer(wait, id -> {
            if (!ctx.response().closed() && !ctx.response().ended()) ctx.next();
          });
        })
        .onFailure(ctx::fail);
  }

  /**
   * What can be told of a booking before anything is sent or claimed: a site or community that exists, a day that may
   * be booked (a 400 naming the field otherwise).
   */
  public void check(Booking b) {
    candidates(b);
    checkDay(b.day());
  }

  /** The server's clock now, and the sites' today. */
  public Instant now() {
    return flows.values().iterator().next().now();
  }

  public LocalDate today() {
    return flows.values().iterator().next().today();
  }

  /** How long a booking of {@code day} is kept: the days until it and three more (the day's report). */
  long keepSec(LocalDate day) {
    return Duration.ofDays(3).toSeconds() + Math.max(0, Duration.between(today().atStartOfDay(), day.atStartOfDay()).toSeconds());
  }

  /**
   * Books {@code b} (the person {@code person}, whose claim on the dose the city holds already: {@link Bookings}) onto
   * the site asked for or the best one; {@code origin}: a new booking, or the change of one.
   */
  public Future<Appointment> book(Booking b, String person, Origin origin) {
    List<Candidate> candidates = candidates(b);
    SiteFlow any = flows.values().iterator().next();
    Instant now = any.now();
    boolean today = b.day().equals(any.today());
    // A site closed for the rest of today takes no booking for today: the one asked for says so
    // (and when it opens), otherwise the choice is among the sites still open today.
    List<Candidate> byDistance = candidates.stream().filter(c -> c.site().hours().bookable(b.day(), now)).toList();
    if (today && byDistance.isEmpty()) return Future.failedFuture(Rejection.siteClosed(candidates.get(0).site(), now));
    if (byDistance.isEmpty()) byDistance = candidates; // a past or far day: bookAt says which days may be booked
    if (byDistance.size() == 1 || !today) return tryBook(b, person, origin, byDistance, byDistance, 0);
    // Today the sites' live predicted waits count too: each snapshot is one read, all at once
    // (a remote site's as its server last told).
    List<Future<Candidate>> withWaits = byDistance.stream()
        .map(c -> c.site().isRemote()
            ? Future.succeededFuture(new Candidate(c.site(), c.km(),
                remotes.get(c.site().id()).load().map(RemoteSite.Load::predictedWaitMin).orElse(0)))
            : flows.get(c.site().id()).snapshot(0).map(snap -> new Candidate(c.site(), c.km(), snap.predictedWaitMin())))
        .toList();
    return Future.all(withWaits).compose(all -> {
      List<Candidate> measured = withWaits.stream().map(Future::result).toList();
      List<Candidate> byCost = new ArrayList<>(measured);
      byCost.sort(Comparator.comparingDouble(Candidate::cost));
      return tryBook(b, person, origin, byCost, measured, 0);
    });
  }

  /** Why a site had no place for a booking ({@code NO_CAPACITY}'s {@code reason}): no slot left, or no dose for one. */
  static final String SLOTS = "SLOTS", DOSES = "DOSES";

  private Future<Appointment> tryBook(Booking b, String person, Origin origin, List<Candidate> order,
                                      List<Candidate> byDistance, int i) {
    return tryBook(b, person, origin, order, byDistance, i, true);
  }

  /** {@code onlyDoses}: every site tried before refused for want of doses (then so does the answer, if all refuse). */
  private Future<Appointment> tryBook(Booking b, String person, Origin origin, List<Candidate> order,
                                      List<Candidate> byDistance, int i, boolean onlyDoses) {
    Candidate c = order.get(i);
    return bookAt(b, person, origin, c, byDistance.get(0)).recover(err -> {
      // full (of slots or of doses: the next site may have both), or (when the person left the choice to us) a remote
      // site that cannot be reached now
      boolean full = err instanceof Rejection r && (r.is(ErrorCode.NO_CAPACITY)
          || (r.is(ErrorCode.UNAVAILABLE) && c.site().isRemote() && b.siteId().isEmpty()));
      boolean doses = onlyDoses && err instanceof Rejection r && r.is(ErrorCode.NO_CAPACITY) && DOSES.equals(r.details().getString("reason"));
      if (full && i + 1 < order.size()) return tryBook(b, person, origin, order, byDistance, i + 1, doses);
      if (full && err instanceof Rejection r && r.is(ErrorCode.NO_CAPACITY) && !doses && DOSES.equals(r.details().getString("reason"))) {
        // the last site had no doses, an earlier one no slot: the city's answer is that slots ran out first
        return Future.failedFuture(new Rejection(ErrorCode.NO_CAPACITY, r.getMessage(), r.details().copy().put("reason", SLOTS)));
      }
      return Future.failedFuture(err);
    });
  }

  /** The requested site alone, or every site nearest first (waits not known yet). */
  private List<Candidate> candidates(Booking b) {
    if (b.siteId().isPresent()) {
      SiteConfig s = config.anySite(b.siteId().get())
          .orElseThrow(() -> Rejection.invalid("siteId", "There is no site with that id."));
      if (s.isRemote() && !remotes.get(s.id()).up()) throw unreachable(s);
      return List.of(new Candidate(s, Optional.empty(), 0));
    }
    double lat, lon;
    if (b.lat().isPresent() && b.lon().isPresent()) {
      lat = b.lat().get();
      lon = b.lon().get();
    } else if (b.community().isPresent()) {
      String name = b.community().get().strip();
      VaxflowConfig.Community c = config.communities().stream()
          .filter(x -> x.name().values().stream().anyMatch(n -> n.equalsIgnoreCase(name)))
          .findFirst()
          .orElseThrow(() -> Rejection.invalid("community", "Unknown community; choose one from the list or give a location."));
      lat = c.lat();
      lon = c.lon();
    } else {
      throw Rejection.invalid("community", "Give a community, a location (lat and lon) or a site.");
    }
    List<Candidate> all = new ArrayList<>();
    for (SiteConfig s : config.sites()) all.add(new Candidate(s, Optional.of(km(lat, lon, s.lat(), s.lon())), 0));
    // a remote site while its server answers
    for (RemoteSite r : remotes.values()) {
      if (r.up()) all.add(new Candidate(r.site(), Optional.of(km(lat, lon, r.site().lat(), r.site().lon())), 0));
    }
    all.sort(Comparator.comparingDouble(c -> c.km().orElse(0.0)));
    return all;
  }

  private static Rejection unreachable(SiteConfig s) {
    return new Rejection(ErrorCode.UNAVAILABLE, s.name("en") + " cannot be reached now; please try again shortly or choose another site.",
        new JsonObject().put("siteId", s.id()));
  }

  private void checkDay(LocalDate day) {
    LocalDate today = today();
    if (day.isBefore(today) || day.isAfter(today.plusDays(14))) {
      throw Rejection.invalid("day", "Book a day from today to 14 days ahead.");
    }
  }

  private Future<Appointment> bookAt(Booking b, String person, Origin origin, Candidate c, Candidate nearest) {
    SiteConfig site = c.site();
    SiteFlow flow = flows.get(site.id());
    checkDay(b.day());
    if (site.isRemote()) return bookRemote(b, c, nearest);
    String code = Voucher.newCode(site.code());
    String category = b.priority().isPresent() ? "P" : "A";
    List<ScriptArgs.Slot> slots = new ArrayList<>();
    Instant now = flow.now();
    for (LocalTime t : site.hours().slotStarts(site.slotMin())) {
      Instant start = site.hours().start(b.day(), t);
      if (!start.plus(Duration.ofMinutes(site.slotMin())).isAfter(now)) continue; // slot already over
      slots.add(new ScriptArgs.Slot(t.toString(), start.toEpochMilli()));
    }
    if (slots.isEmpty()) {
      return Future.failedFuture(new Rejection(ErrorCode.NO_CAPACITY, "No slot is left that day at " + site.name("en") + ".",
          new JsonObject().put("reason", SLOTS)));
    }
    long keepSec = keepSec(b.day());
    // reminded the day before at notify.reminderAt, local time (the script reminds at once when that is past)
    long remindAt = b.day().minusDays(1).atTime(config.notifications().reminderTime()).atZone(config.timeZone()).toInstant().toEpochMilli();
    // the person's name, ID number and phone go to the store sealed, erased retainHours after the booked day ends
    long eraseAt = b.day().plusDays(1).atStartOfDay(config.timeZone()).toInstant()
        .plus(Duration.ofHours(config.privacy().retainHours())).toEpochMilli();
    return flow.book(new ScriptArgs.Book(code, personal.seal(b.name()), b.idType().wire(),
        personal.seal(IdDocument.normalize(b.idNumber())), person, personal.seal(b.phone()), b.dose(),
        b.priority().map(p -> p.name().toLowerCase(Locale.ROOT)).orElse(""), site.slotCapacity(), keepSec,
        b.day().toString(), slots, b.anaphylaxisHistory(), remindAt, eraseAt, origin.changed(), origin.previous(),
        b.day().toEpochDay())).map(reply -> {
      JsonObject a = reply.getJsonObject("appointment");
      LocalTime slot = LocalTime.parse(a.getString("slot"));
      String cat = a.getString("priority", "").isEmpty() ? "A" : "P";
      String voucher = Voucher.sign(config.voucherSecret(), a.getString("code"), b.day(), slot, cat);
      // The slot's people arrive together and are served in order: the n-th waits for n-1 ahead.
      int place = Math.max(1, reply.getInteger("position", 1));
      int wait = (int) Math.ceil((place - 1) * config.flow().deskServiceMin() / site.desks());
      return appointment(b, c, nearest, a.getString("code"), Voucher.display(a.getString("code")), slot, voucher, wait);
    });
  }

  /**
   * Books onto a site another server runs, through its public API, vouched for by this server ({@link PeerProof}: the
   * person proved their phone here); its voucher is that server's.
   */
  private Future<Appointment> bookRemote(Booking b, Candidate c, Candidate nearest) {
    JsonObject body = person(b.idType(), b.idNumber(), b.phone()).put("name", b.name())
        .put("dose", b.dose()).put("day", b.day().toString());
    b.priority().ifPresent(p -> body.put("priority", p.name().toLowerCase(Locale.ROOT)));
    if (b.anaphylaxisHistory()) body.put("anaphylaxisHistory", true);
    return remotes.get(c.site().id()).send("/api/v1/bookings", body.put("siteId", c.site().id()))
        .map(a -> appointment(b, c, nearest, a.getString("appointmentId"), a.getString("code"),
            LocalTime.parse(a.getString("slot")), a.getString("voucher"), a.getInteger("predictedWaitMin", 0)));
  }

  private static JsonObject person(IdDocument idType, String idNumber, String phone) {
    return new JsonObject().put("idType", idType.wire()).put("idNumber", idNumber).put("phone", phone);
  }

  // ---- a booking held: read, its flag changed, given up (on its site, or through the server that runs it) ----

  /** The booking {@code code} of {@code dose} at {@code siteId} as its site keeps it; empty when it is gone. */
  public Future<Optional<Held>> held(String siteId, String code, int dose, Bookings.Person who) {
    SiteConfig site = config.anySite(siteId).orElse(null);
    if (site == null) return Future.succeededFuture(Optional.empty());
    if (site.isRemote()) {
      return remotes.get(siteId).send("/api/v1/bookings/lookup", person(who.idType(), who.idNumber(), who.phone()))
          .map(r -> r.getJsonArray("bookings", new io.vertx.core.json.JsonArray()).stream()
              .map(JsonObject.class::cast)
              .filter(j -> code.equals(j.getString("appointmentId")))
              .findFirst().map(j -> held(j, site)));
    }
    return store.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HGETALL)
            .arg(io.vaxflow.store.SiteKeys.Site.APPOINTMENT.of(siteId, code)))
        .map(r -> {
          if (r == null || r.size() == 0 || !r.containsKey("code")) return Optional.<Held>empty();
          return Optional.of(held(site, r.get("code").toString(), dose, LocalDate.parse(r.get("day").toString()),
              LocalTime.parse(r.get("slot").toString()), r.containsKey("priority") ? r.get("priority").toString() : "",
              r.containsKey("anaphylaxis") && "1".equals(r.get("anaphylaxis").toString())));
        });
  }

  /** The appointment hash's fields (name, idNumber, phone opened; ...) of a booking at a site run here. */
  Future<Map<String, String>> appointmentFields(String siteId, String code) {
    return store.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HGETALL)
        .arg(io.vaxflow.store.SiteKeys.Site.APPOINTMENT.of(siteId, code))).map(r -> {
          Map<String, String> out = new LinkedHashMap<>();
          if (r != null) r.getKeys().forEach(k -> out.put(k, r.get(k).toString()));
          for (String sealed : List.of("name", "idNumber", "phone")) out.computeIfPresent(sealed, (k, v) -> personal.open(v));
          return out;
        });
  }

  private Held held(SiteConfig site, String code, int dose, LocalDate day, LocalTime slot, String priority, boolean anaphylaxis) {
    String cat = priority.isEmpty() ? "A" : "P";
    return new Held(dose, code, Voucher.display(code), site, day, slot, Voucher.sign(config.voucherSecret(), code, day, slot, cat),
        priority.isEmpty() ? Optional.empty() : Optional.of(Priority.valueOf(priority.toUpperCase(Locale.ROOT))), anaphylaxis);
  }

  /** A booking as a remote server's look-up told it. */
  private static Held held(JsonObject j, SiteConfig site) {
    String p = j.getString("priority");
    return new Held(j.getInteger("dose", 1), j.getString("appointmentId"), j.getString("code"), site,
        LocalDate.parse(j.getString("day")), LocalTime.parse(j.getString("slot")), j.getString("voucher"),
        p == null ? Optional.empty() : Optional.of(Priority.valueOf(p.toUpperCase(Locale.ROOT))),
        j.getBoolean("anaphylaxisHistory", false));
  }

  /**
   * Gives the booking {@code code} at {@code siteId} up: {@code reason} cancelled (by its person), changed (it
   * moved to {@code movedTo}, 'site/code'), or erased (by its person: checked in or not, nothing of them is kept).
   * A remote site's through its server, for the same person.
   */
  public Future<Void> cancelAt(String siteId, String code, String reason, String movedTo, Bookings.Person who, int dose) {
    SiteConfig site = config.anySite(siteId).orElseThrow();
    if (site.isRemote()) {
      return remotes.get(siteId).send("erased".equals(reason) ? "/api/v1/bookings/erase" : "/api/v1/bookings/cancel",
          person(who.idType(), who.idNumber(), who.phone()).put("dose", dose)).mapEmpty();
    }
    return flows.get(siteId).cancelBooking(new ScriptArgs.BookCancel(code, reason, movedTo)).mapEmpty();
  }

  /** Sets the booking's anaphylaxis flag where it is; whether it changed. */
  public Future<Boolean> flagAt(String siteId, String code, boolean anaphylaxisHistory, Bookings.Person who, int dose) {
    SiteConfig site = config.anySite(siteId).orElseThrow();
    if (site.isRemote()) {
      return remotes.get(siteId).send("/api/v1/bookings/change", person(who.idType(), who.idNumber(), who.phone())
          .put("dose", dose).put("anaphylaxisHistory", anaphylaxisHistory))
          .map(r -> r.getJsonArray("changed", new io.vertx.core.json.JsonArray()).contains("anaphylaxisHistory"));
    }
    return flows.get(siteId).changeBooking(new ScriptArgs.BookChange(code, anaphylaxisHistory)).map(r -> r.getBoolean("changed", false));
  }

  private static Appointment appointment(Booking b, Candidate c, Candidate nearest, String id, String code, LocalTime slot,
                                         String voucher, int wait) {
    Reason why = c.km().isEmpty() ? Reason.REQUESTED
        : c.site().equals(nearest.site()) ? Reason.NEAREST
        : c.cost() < nearest.cost() ? Reason.LESS_WAIT : Reason.NEAREST_FULL;
    return new Appointment(id, code, c.site(), b.day(), slot, voucher, wait, reason(why, c, nearest), why, c.km(),
        c.waitMin(), why == Reason.REQUESTED ? Optional.empty() : Optional.of(nearest));
  }

  private static String reason(Reason why, Candidate c, Candidate nearest) {
    String site = c.site().name("en");
    return switch (why) {
      case REQUESTED -> "You chose " + site + ".";
      case NEAREST -> String.format(Locale.ROOT, "%s is the nearest site with a free slot, %.1f km away.", site, c.km().get());
      case LESS_WAIT -> String.format(Locale.ROOT,
          "%s is %.1f km away with about %d min wait: quicker than the nearest, %s (%.1f km, about %d min wait).",
          site, c.km().get(), c.waitMin(), nearest.site().name("en"), nearest.km().get(), nearest.waitMin());
      case NEAREST_FULL -> String.format(Locale.ROOT,
          "The nearest site, %s, is fully booked that day; %s, %.1f km away, has a free slot.",
          nearest.site().name("en"), site, c.km().get());
    };
  }

  /** Great-circle distance in kilometres. */
  public static double km(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1), dLon = Math.toRadians(lon2 - lon1);
    double a = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
    return 6371.0 * 2 * Math.asin(Math.sqrt(a));
  }
}
