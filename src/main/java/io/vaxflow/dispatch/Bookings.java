package io.vaxflow.dispatch;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.security.IdDocument;
import io.vaxflow.security.OneTimeCode;
import io.vaxflow.security.PersonKey;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A person's bookings, each bound to the phone that receives its messages (README "Bookings"). A booking, and every
 * look at or change of one, asks for a one-time code sent to the phone ({@link #sendCode}: an {@code otp} event for
 * the SMS gateway's webhook; shown on the page in demo mode) and goes on with it. Before a site is booked, the city
 * claims the person's dose (one booking per dose across the city) and a place among the phone's bookings of that day
 * ({@code booking.maxPerPhone}), in one script on the city's keys ({@code vf:{city}:...}, the person and the phone
 * as their keyed hashes, {@link PersonKey}); the claim is recorded once the site booked, or given up when every site
 * refused. An existing booking is never shown or changed without the code of its own phone: another person's ID
 * number gets nothing of it.
 */
public final class Bookings {

  /** What a code is asked for (the text message says it). */
  public enum Purpose {
    BOOK, LOOKUP, CHANGE, CANCEL, ERASE, STANDBY;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Who asks: their document (its number checked at the edge) and the phone they give. */
  public record Person(IdDocument idType, String idNumber, String phone) {}

  /** How the phone is proven: the code sent to it, or a peer server's word ({@link PeerProof}; the simulator's). */
  public record Proof(String code) {
    public static final Proof PEER = new Proof(null);

    public boolean peer() {
      return code == null;
    }
  }

  /** A code was sent: when it expires, and (demo mode only) the code itself. */
  public record CodeSent(long expiresAtMs, int expiresInSec, Optional<String> demoCode) {}

  /** What a change asks for: another day, another site, the anaphylaxis flag (each optional). */
  public record Change(Optional<LocalDate> day, Optional<String> siteId, Optional<Boolean> anaphylaxisHistory) {}

  /** The booking after a change, and what changed (day, site, anaphylaxisHistory; none when nothing did). */
  public record Changed(Dispatcher.Held booking, List<String> changed) {}

  /** How long a claim waits for its site's booking before it is let go (a server that died in between). */
  private static final long PENDING_MS = 60_000;

  private final VaxflowConfig config;
  private final Dispatcher dispatcher;
  private final Scripts store;
  private final RateLimiter limiter;
  private final PersonKey keys;
  private final OneTimeCode codes;
  private final Runnable codeQueued;

  /** {@code codeQueued}: told when an otp event is in the city's stream (the webhooks read it at once). */
  public Bookings(VaxflowConfig config, Dispatcher dispatcher, Scripts store, RateLimiter limiter, Runnable codeQueued) {
    this.config = config;
    this.dispatcher = dispatcher;
    this.store = store;
    this.limiter = limiter;
    this.keys = PersonKey.fromVoucherSecret(config.voucherSecret());
    this.codes = OneTimeCode.fromVoucherSecret(config.voucherSecret());
    this.codeQueued = codeQueued;
  }

  /**
   * Sends {@code who}'s phone a code for {@code purpose}, drawn from the client address's bucket
   * ({@code booking.codesPerAddressHour}) and the phone's ({@code codesPerPhoneHour}). A booking's code ({@code dose},
   * {@code day}) is not sent to a person who holds that dose already (409 ALREADY_BOOKED, nothing of it said) nor to
   * a phone whose day is full (409 PHONE_LIMIT).
   */
  public Future<CodeSent> sendCode(Person who, Purpose purpose, int dose, LocalDate day, String clientAddress) {
    VaxflowConfig.Bookings b = config.bookings();
    String phoneKey = keys.phone(who.phone());
    String personKey = keys.person(who.idType(), who.idNumber());
    String code = codes.newCode();
    String ref = codes.newRef();
    long ttlMs = b.codeTtlSec() * 1000L;
    return limiter.codes(clientAddress)
        .compose(v -> city(Script.CODE_SEND, new ScriptArgs.CodeSend(phoneKey, personKey, purpose.wire(),
            codes.hash(phoneKey, personKey, code), ref, codes.seal(PersonKey.normalizePhone(who.phone()), code), ttlMs,
            b.codeAttempts(), b.codesPerPhoneHour(), dose, day.toString(), b.maxPerPhone())))
        .map(r -> {
          codeQueued.run();
          return new CodeSent(r.getLong("expiresAt"), b.codeTtlSec(), config.demoMode() ? Optional.of(code) : Optional.empty());
        });
  }

  /**
   * Books {@code b} with the code of its phone: the city's claim on the person's dose first, then the site (the
   * dispatcher's choice), then the claim recorded; a claim the sites refused is given up (the code stays good for
   * another day or site).
   */
  public Future<Dispatcher.Appointment> book(Dispatcher.Booking b, Proof proof) {
    dispatcher.check(b);
    String phoneKey = keys.phone(b.phone());
    String personKey = keys.person(b.idType(), b.idNumber());
    String day = b.day().toString();
    long keep = dispatcher.keepSec(b.day());
    return verify(phoneKey, personKey, proof, Purpose.BOOK, b.dose(), day, keep)
        .compose(v -> inOrder(personKey, b.dose(), b.day())
            .compose(ok -> dispatcher.book(b, personKey, Dispatcher.Origin.NEW))
            .compose(a -> city(Script.CLAIM_SET, new ScriptArgs.ClaimSet(personKey, b.dose(), phoneKey, a.site().id(),
                a.appointmentId(), day, "", keep)).map(a))
            .recover(err -> city(Script.CLAIM_DROP, new ScriptArgs.ClaimDrop(personKey, b.dose(), phoneKey, day, ""))
                .transform(ar -> Future.<Dispatcher.Appointment>failedFuture(err))));
  }

  /**
   * Doses in order: a dose after the first is not booked for a day before the series' interval after the person's
   * previous dose as the city recorded it ({@code vf:{city}:given:<person>}, written when a booth gave it: lua/given.lua),
   * 409 TOO_SOON with {@code earliestDay}. The interval is that of the product the previous dose was given with (its
   * schedule's entry for this dose); a previous dose recorded without a product (a site that keeps no stock) is held to
   * the shortest interval any product has for this dose. A previous dose not recorded here (given elsewhere) is not
   * held against the booking. Asked after the phone's code is checked: whether and when a person had a dose is told
   * only to their phone.
   */
  private Future<Void> inOrder(String personKey, int dose, LocalDate day) {
    if (dose <= 1) return Future.succeededFuture();
    return store.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HGET)
        .arg(SiteKeys.City.GIVEN.of(personKey)).arg(String.valueOf(dose - 1))).compose(r -> {
          if (r == null) return Future.succeededFuture();
          String[] given = r.toString().split("\\|", -1); // day|product|site
          LocalDate earliest = LocalDate.parse(given[0]).plusDays(intervalDays(given.length > 1 ? given[1] : "", dose));
          if (!day.isBefore(earliest)) return Future.succeededFuture();
          return Future.failedFuture(new Rejection(ErrorCode.TOO_SOON, "Dose " + dose + " can be booked from " + earliest + ".",
              new JsonObject().put("dose", dose).put("earliestDay", earliest.toString())));
        });
  }

  /** The days at least between dose - 1 and {@code dose} of {@code product}'s series (any product's least when unknown). */
  private int intervalDays(String product, int dose) {
    return config.product(product).flatMap(p -> p.dose(dose)).map(io.vaxflow.config.Product.Dose::minIntervalDays)
        .orElseGet(() -> config.products().stream().flatMap(p -> p.dose(dose).stream())
            .mapToInt(io.vaxflow.config.Product.Dose::minIntervalDays).min().orElse(0));
  }

  /**
   * The phone proven with its code for {@code purpose} (one that asks for nothing more of the city: joining a standby
   * list); the code is used up.
   */
  public Future<Void> proven(String phone, Proof proof, Purpose purpose) {
    return verify(keys.phone(phone), keys.person(IdDocument.RESIDENT, ""), proof, purpose, 0, "", 0).mapEmpty();
  }

  /** The next dose of a person's series: which, and the first day it may be booked for (and with which product's series). */
  public record NextDose(int dose, LocalDate earliestDay, String product) {}

  /** A look-up: the person's bookings made with this phone, and the next dose of their series once one was given. */
  public record Lookup(List<Dispatcher.Held> bookings, Optional<NextDose> nextDose) {}

  /**
   * The person's bookings made with this phone (every dose), with the code of the phone; and, once the city has a dose
   * of theirs recorded (a booth gave it), the next dose of its product's series and the first day it may be booked
   * ({@link #inOrder}): how a dose 1 given offers the dose 2 booking.
   */
  public Future<Lookup> lookup(Person who, Proof proof) {
    String personKey = keys.person(who.idType(), who.idNumber());
    return verify(keys.phone(who.phone()), personKey, proof, Purpose.LOOKUP, 0, "", 0)
        .compose(r -> {
          List<Future<Optional<Dispatcher.Held>>> each = new ArrayList<>();
          for (JsonObject c : claims(r.getValue("bookings"))) {
            each.add(dispatcher.held(c.getString("site"), c.getString("appointment"), c.getInteger("dose"), who));
          }
          return Future.all(each).map(all -> each.stream().map(Future::result).flatMap(Optional::stream).toList());
        })
        .compose(held -> nextDose(personKey).map(next -> new Lookup(held, next)));
  }

  /** The dose after the person's last recorded one, if their product's series has one. */
  private Future<Optional<NextDose>> nextDose(String personKey) {
    return store.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HGETALL)
        .arg(SiteKeys.City.GIVEN.of(personKey))).map(r -> {
          if (r == null || r.size() == 0) return Optional.<NextDose>empty();
          int last = r.getKeys().stream().mapToInt(Integer::parseInt).max().orElse(0);
          String[] given = r.get(String.valueOf(last)).toString().split("\\|", -1); // day|product|site
          String product = given.length > 1 ? given[1] : "";
          int next = last + 1;
          return config.product(product).flatMap(p -> p.dose(next))
              .map(d -> new NextDose(next, LocalDate.parse(given[0]).plusDays(d.minIntervalDays()), product));
        });
  }

  /**
   * Gives the person's booking of {@code dose} up, with the code of its phone: its slot freed for the next person,
   * its reminder taken off, the city's claim dropped (the person may book that dose again).
   */
  public Future<Dispatcher.Held> cancel(Person who, int dose, Proof proof) {
    return giveUp(who, dose, proof, Purpose.CANCEL, "cancelled");
  }

  /**
   * Erases the person's booking of {@code dose}, with the code of its phone: given up as by {@link #cancel} when it
   * was not checked in yet; when it was, the booking goes all the same and the ticket it was checked in as forgets
   * their name and ID number at once (unless the shot still waits for the immunization record: then when that is
   * delivered). Nothing of the person is left but their keyed hash in the day's figures' tickets.
   */
  public Future<Dispatcher.Held> erase(Person who, int dose, Proof proof) {
    return giveUp(who, dose, proof, Purpose.ERASE, "erased");
  }

  private Future<Dispatcher.Held> giveUp(Person who, int dose, Proof proof, Purpose purpose, String reason) {
    String phoneKey = keys.phone(who.phone());
    String personKey = keys.person(who.idType(), who.idNumber());
    return verify(phoneKey, personKey, proof, purpose, dose, "", 0).compose(r -> {
      JsonObject claim = r.getJsonObject("booking");
      String site = claim.getString("site");
      String code = claim.getString("appointment");
      ScriptArgs.ClaimDrop drop = new ScriptArgs.ClaimDrop(personKey, dose, phoneKey, claim.getString("day"), code);
      return dispatcher.held(site, code, dose, who).compose(held -> {
        if (held.isEmpty()) { // gone meanwhile (its day long past): the claim goes too
          return city(Script.CLAIM_DROP, drop).compose(v -> Future.failedFuture(Rejection.of(ErrorCode.NO_BOOKING)));
        }
        return dispatcher.cancelAt(site, code, reason, null, who, dose)
            .compose(v -> city(Script.CLAIM_DROP, drop))
            .map(held.get());
      });
    });
  }

  /**
   * Changes the person's booking of {@code dose}, with the code of its phone: its anaphylaxis flag in place; another
   * day or site as a new booking there (the dispatcher's, slot by slot) that replaces the old one, whose slot is then
   * freed. Each is recorded at the site as a {@code booking_changed} event naming what changed, nothing personal.
   * A booking already checked in is not changed (422 ALREADY_CHECKED_IN); a day or site that is full leaves the
   * booking as it was (409 NO_CAPACITY).
   */
  public Future<Changed> change(Person who, int dose, Change change, Proof proof) {
    String phoneKey = keys.phone(who.phone());
    String personKey = keys.person(who.idType(), who.idNumber());
    String newDay = change.day().map(LocalDate::toString).orElse("");
    return verify(phoneKey, personKey, proof, Purpose.CHANGE, dose, newDay, 0).compose(r -> {
      JsonObject claim = r.getJsonObject("booking");
      String site = claim.getString("site");
      String code = claim.getString("appointment");
      return dispatcher.held(site, code, dose, who).compose(found -> {
        if (found.isEmpty()) return Future.failedFuture(Rejection.of(ErrorCode.NO_BOOKING));
        Dispatcher.Held held = found.get();
        boolean moveDay = change.day().filter(d -> !d.equals(held.day())).isPresent();
        boolean moveSite = change.siteId().filter(s -> !s.equals(held.site().id())).isPresent();
        boolean flag = change.anaphylaxisHistory().filter(f -> f != held.anaphylaxisHistory()).isPresent();
        List<String> changed = new ArrayList<>();
        if (moveDay) changed.add("day");
        if (moveSite) changed.add("site");
        if (flag) changed.add("anaphylaxisHistory");
        if (changed.isEmpty()) return Future.succeededFuture(new Changed(held, changed));
        if (!moveDay && !moveSite) {
          return dispatcher.flagAt(site, code, change.anaphylaxisHistory().get(), who, dose)
              .compose(v -> record(personKey, dose, phoneKey, site, code, held.day(), held.day()))
              .compose(v -> dispatcher.held(site, code, dose, who))
              .map(now -> new Changed(now.orElse(held), changed));
        }
        return move(who, personKey, phoneKey, dose, held, change, changed);
      });
    });
  }

  /** A booking moved to another day or site: booked anew there (as a change), then the old one freed. */
  private Future<Changed> move(Person who, String personKey, String phoneKey, int dose, Dispatcher.Held held,
                               Change change, List<String> changed) {
    String oldSite = held.site().id();
    if (held.site().isRemote()) { // the server that runs it changes it (another site of the city: its dispatcher's)
      return Future.failedFuture(new Rejection(ErrorCode.INVALID_INPUT, "A booking at " + held.site().name("en")
          + " is changed to another day or site at " + held.site().remote().orElse("its server") + ".",
          new JsonObject().put("field", change.day().isPresent() ? "day" : "siteId")));
    }
    return dispatcher.appointmentFields(oldSite, held.appointmentId()).compose(fields -> {
      LocalDate day = change.day().orElse(held.day());
      Dispatcher.Booking again = new Dispatcher.Booking(fields.getOrDefault("name", ""), who.idType(), who.idNumber(),
          fields.getOrDefault("phone", who.phone()), dose, day, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.of(change.siteId().orElse(oldSite)), held.priority(),
          change.anaphylaxisHistory().orElse(held.anaphylaxisHistory()));
      dispatcher.check(again);
      return inOrder(personKey, dose, day)
          .compose(ok -> dispatcher.book(again, personKey, new Dispatcher.Origin(String.join(",", changed), oldSite + "/" + held.appointmentId())))
          .compose(a -> dispatcher.cancelAt(oldSite, held.appointmentId(), "changed", a.site().id() + "/" + a.appointmentId(), who, dose)
              .recover(err -> dispatcher.cancelAt(a.site().id(), a.appointmentId(), "cancelled", null, who, dose) // checked in meanwhile
                  .transform(ar -> Future.failedFuture(err)))
              .compose(v -> record(personKey, dose, phoneKey, a.site().id(), a.appointmentId(), day, held.day()))
              .compose(v -> dispatcher.held(a.site().id(), a.appointmentId(), dose, who))
              .map(now -> new Changed(now.orElseThrow(), changed)));
    });
  }

  private Future<JsonObject> record(String personKey, int dose, String phoneKey, String site, String code, LocalDate day,
                                    LocalDate oldDay) {
    return city(Script.CLAIM_SET, new ScriptArgs.ClaimSet(personKey, dose, phoneKey, site, code, day.toString(),
        oldDay.toString(), dispatcher.keepSec(day)));
  }

  /** The code (or a peer's word) checked and the claim looked at or taken (lua/code_verify.lua). */
  private Future<JsonObject> verify(String phoneKey, String personKey, Proof proof, Purpose purpose, int dose, String day,
                                    long keepSec) {
    String hash = proof.peer() ? "" : codes.hash(phoneKey, personKey, proof.code());
    return city(Script.CODE_VERIFY, new ScriptArgs.CodeVerify(phoneKey, personKey, hash, proof.peer(), purpose.wire(), dose,
        day, config.bookings().maxPerPhone(), PENDING_MS, keepSec));
  }

  /** One of the city's scripts, at the server's now; a refusal ({@code err}) as the API's error. */
  private <A extends Record> Future<JsonObject> city(Script<A> script, A args) {
    return store.run(script, new Scripts.At(List.of(SiteKeys.city()), dispatcher.now().toEpochMilli(),
        dispatcher.today().toString(), "public"), args).compose(reply -> {
          if (!reply.containsKey("err")) return Future.succeededFuture(reply);
          String code = reply.getString("err");
          if (ErrorCode.RATE_LIMITED.code().equals(code)) return Future.failedFuture(RateLimiter.limited(reply.getLong("retryAfterMs", 1000L)));
          JsonObject details = reply.copy();
          details.remove("err");
          return Future.failedFuture(new Rejection(code, ErrorCode.of(code).map(ErrorCode::message).orElse(code), details));
        });
  }

  /** The claims of a look-up: a list, or (cjson writes an empty table so) an empty object. */
  private static List<JsonObject> claims(Object value) {
    List<JsonObject> out = new ArrayList<>();
    if (value instanceof JsonArray a) a.forEach(o -> out.add((JsonObject) o));
    return out;
  }

  /** The site a request names, if it is one of the city's. */
  public Optional<SiteConfig> site(String id) {
    return config.anySite(id);
  }
}
