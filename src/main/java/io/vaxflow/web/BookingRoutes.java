package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.dispatch.Bookings;
import io.vaxflow.dispatch.Bookings.Proof;
import io.vaxflow.dispatch.Bookings.Purpose;
import io.vaxflow.dispatch.Dispatcher;
import io.vaxflow.dispatch.Standby;
import io.vaxflow.security.PeerProof;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.security.PersonKey;
import io.vaxflow.view.Views;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * A person's bookings (README "Bookings"): booking, and looking up, changing, cancelling or erasing one's own. Each takes two
 * steps with the same body: without {@code code}, a one-time code is sent to the phone ({@code 202} with where it
 * went; in demo mode the code itself as {@code demoCode}); with it, the request is done. A request a peer server of
 * the city vouches for ({@link PeerProof}: the person proved their phone there) takes one step.
 */
record BookingRoutes(Dispatcher dispatcher, Bookings bookings, Standby standby, RateLimiter limiter, PeerProof peers) {

  void mount(Routes routes) {
    // the city-wide spike bucket shapes bookings (the step with the code), not the codes sent before them
    io.vertx.core.Handler<RoutingContext> admission = dispatcher.admission();
    routes.post("/api/v1/bookings", Access.anyone(), limiter.per(RouteClass.BOOKING),
        ctx -> {
          if (books(ctx)) admission.handle(ctx);
          else ctx.next();
        }).handler(this::book);
    routes.post("/api/v1/bookings/lookup", Access.anyone(), limiter.per(RouteClass.BOOKING)).handler(this::lookup);
    routes.post("/api/v1/bookings/change", Access.anyone(), limiter.per(RouteClass.BOOKING)).handler(this::change);
    routes.post("/api/v1/bookings/cancel", Access.anyone(), limiter.per(RouteClass.BOOKING)).handler(this::cancel);
    routes.post("/api/v1/bookings/erase", Access.anyone(), limiter.per(RouteClass.BOOKING)).handler(this::erase);
    routes.post("/api/v1/standby", Access.anyone(), limiter.per(RouteClass.BOOKING)).handler(this::joinStandby);
  }

  /**
   * Joins the standby list of the site nearest the community given, for today, in two steps like a booking (the code of
   * the phone the invitation will go to); 201 with the site, the place in its list and how many are on it.
   */
  private void joinStandby(RoutingContext ctx) {
    JsonObject body = Input.body(ctx);
    Standby.Join join = new Standby.Join(Input.text(body, "name"), Input.text(body, "phone"), Input.text(body, "community"),
        body.getInteger("dose"));
    Optional<Proof> proof = proof(ctx, body);
    if (proof.isEmpty()) standby.check(join);
    if (codeFirst(ctx, proof, new Bookings.Person(io.vaxflow.security.IdDocument.RESIDENT, "", join.phone()), Purpose.STANDBY, 0,
        dispatcher.today())) {
      return;
    }
    bookings.proven(join.phone(), proof.get(), Purpose.STANDBY).compose(v -> standby.join(join))
        .onSuccess(j -> json(ctx, 201, new JsonObject().put("siteId", j.site().id()).put("siteName", j.site().name(Lang.of(ctx)))
            .put("siteNames", Views.i18n(j.site().name())).put("address", Views.i18n(j.site().address()))
            .put("distanceKm", Math.round(j.distanceKm() * 10) / 10.0).put("day", dispatcher.today().toString())
            .put("position", j.position()).put("waiting", j.waiting())))
        .onFailure(ctx::fail);
  }

  /**
   * The booking form's body (the contract's BookingRequest) as the dispatcher's record, its ID number checked
   * ({@link Input#idDocument}); the dispatcher checks what a schema cannot (the day's range, a known site or community).
   */
  static Dispatcher.Booking booking(JsonObject b, LocalDate today) {
    return new Dispatcher.Booking(Input.text(b, "name"), Input.idDocument(b, today), Input.text(b, "idNumber"),
        Input.text(b, "phone"), b.getInteger("dose"), LocalDate.parse(b.getString("day")), Input.number(b, "lat"),
        Input.number(b, "lon"), Input.optionalText(b, "community"), Input.optionalText(b, "siteId"),
        Optional.ofNullable(b.getString("priority")).map(p -> Dispatcher.Priority.valueOf(p.toUpperCase(Locale.ROOT))),
        Input.flag(b, "anaphylaxisHistory"));
  }

  private void book(RoutingContext ctx) {
    JsonObject body = Input.body(ctx);
    Dispatcher.Booking b = booking(body, dispatcher.today());
    Optional<Proof> proof = proof(ctx, body);
    if (proof.isEmpty()) dispatcher.check(b);
    if (codeFirst(ctx, proof, new Bookings.Person(b.idType(), b.idNumber(), b.phone()), Purpose.BOOK, b.dose(), b.day())) return;
    bookings.book(b, proof.get()).onSuccess(a -> json(ctx, 201, new JsonObject()
            .put("appointmentId", a.appointmentId()).put("code", a.code())
            .put("siteId", a.site().id()).put("siteName", a.site().name(Lang.of(ctx)))
            .put("siteNames", Views.i18n(a.site().name()))
            .put("address", Views.i18n(a.site().address()))
            .put("day", a.day().toString()).put("slot", a.slot().toString())
            .put("voucher", a.voucher()).put("predictedWaitMin", a.predictedWaitMin())
            .put("reason", a.reason()).put("reasonCode", a.reasonCode().name())
            .put("distanceKm", a.distanceKm().orElse(null)).put("sitePredictedWaitMin", a.siteWaitMin())
            .put("nearest", a.nearest().map(n -> new JsonObject().put("siteId", n.site().id())
                .put("siteNames", Views.i18n(n.site().name())).put("distanceKm", n.km().orElse(null))
                .put("predictedWaitMin", n.waitMin())).orElse(null))
            .put("priority", b.priority().map(p -> p.name().toLowerCase(Locale.ROOT)).orElse(null))))
        .onFailure(ctx::fail);
  }

  private void lookup(RoutingContext ctx) {
    JsonObject body = Input.body(ctx);
    Bookings.Person who = person(body);
    Optional<Proof> proof = proof(ctx, body);
    if (codeFirst(ctx, proof, who, Purpose.LOOKUP, 0, dispatcher.today())) return;
    bookings.lookup(who, proof.get()).onSuccess(found -> {
      JsonArray out = new JsonArray();
      found.bookings().forEach(h -> out.add(view(h, Lang.of(ctx))));
      JsonObject reply = new JsonObject().put("bookings", out);
      found.nextDose().ifPresent(n -> reply.put("nextDose", new JsonObject().put("dose", n.dose())
          .put("earliestDay", n.earliestDay().toString()).put("product", n.product())));
      json(ctx, 200, reply);
    }).onFailure(ctx::fail);
  }

  private void change(RoutingContext ctx) {
    JsonObject body = Input.body(ctx);
    Bookings.Person who = person(body);
    Optional<Proof> proof = proof(ctx, body);
    Bookings.Change change = new Bookings.Change(Optional.ofNullable(body.getString("day")).map(LocalDate::parse),
        Input.optionalText(body, "siteId"), Optional.ofNullable(body.getBoolean("anaphylaxisHistory")));
    change.siteId().ifPresent(s -> bookings.site(s).orElseThrow(() -> Rejection.invalid("siteId", "There is no site with that id.")));
    if (codeFirst(ctx, proof, who, Purpose.CHANGE, 0, dispatcher.today())) return;
    bookings.change(who, body.getInteger("dose"), change, proof.get())
        .onSuccess(c -> json(ctx, 200, new JsonObject().put("booking", view(c.booking(), Lang.of(ctx)))
            .put("changed", new JsonArray(c.changed()))))
        .onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx) {
    giveUp(ctx, Purpose.CANCEL, "cancelled");
  }

  /** A booking erased by its person: like a cancellation, and a checked-in one too (their name and ID number go). */
  private void erase(RoutingContext ctx) {
    giveUp(ctx, Purpose.ERASE, "erased");
  }

  private void giveUp(RoutingContext ctx, Purpose purpose, String field) {
    JsonObject body = Input.body(ctx);
    Bookings.Person who = person(body);
    Optional<Proof> proof = proof(ctx, body);
    if (codeFirst(ctx, proof, who, purpose, 0, dispatcher.today())) return;
    (purpose == Purpose.ERASE ? bookings.erase(who, body.getInteger("dose"), proof.get())
        : bookings.cancel(who, body.getInteger("dose"), proof.get()))
        .onSuccess(h -> json(ctx, 200, new JsonObject().put(field, view(h, Lang.of(ctx)))))
        .onFailure(ctx::fail);
  }

  /** Whether the request books (it has a code, or a peer's word) rather than asks for a code; read before the contract's check. */
  private static boolean books(RoutingContext ctx) {
    if (ctx.request().getHeader(PeerProof.HEADER) != null) return true;
    try {
      JsonObject body = ctx.body().asJsonObject();
      return body != null && body.containsKey("code");
    } catch (RuntimeException notJson) {
      return false; // the contract's check refuses it next
    }
  }

  /**
   * The first step, when the request has no proof yet: a code sent to the phone for {@code purpose} and 202 with where
   * it went (masked; in demo mode the code itself). Whether it was the first step.
   */
  private boolean codeFirst(RoutingContext ctx, Optional<Proof> proof, Bookings.Person who, Purpose purpose, int dose, LocalDate day) {
    if (proof.isPresent()) return false;
    bookings.sendCode(who, purpose, dose, day, RateLimiter.address(ctx)).onSuccess(s -> {
      JsonObject out = new JsonObject().put("codeSent", true).put("to", maskedPhone(who.phone()))
          .put("expiresInSec", s.expiresInSec()).put("expiresAt", Instant.ofEpochMilli(s.expiresAtMs()).toString());
      s.demoCode().ifPresent(c -> out.put("demoCode", c));
      json(ctx, 202, out);
    }).onFailure(ctx::fail);
    return true;
  }

  /** The code given, a peer server's word (a wrong one is 403), or none: a code is to be sent. */
  private Optional<Proof> proof(RoutingContext ctx, JsonObject body) {
    String peer = ctx.request().getHeader(PeerProof.HEADER);
    if (peer != null) {
      if (!peers.vouches(peer, ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes(), Instant.now())) {
        throw new Rejection(ErrorCode.FORBIDDEN, "The peer server's proof is not right.", new JsonObject().put("field", PeerProof.HEADER));
      }
      return Optional.of(Proof.PEER);
    }
    return Input.optionalText(body, "code").map(Proof::new);
  }

  /** Who a look-up, change or cancellation is for: their document (checked) and the phone. */
  private Bookings.Person person(JsonObject body) {
    return new Bookings.Person(Input.idDocument(body, dispatcher.today()), Input.text(body, "idNumber"), Input.text(body, "phone"));
  }

  /** A booking as a person sees their own: the contract's HeldBooking. */
  private static JsonObject view(Dispatcher.Held h, String lang) {
    return new JsonObject().put("dose", h.dose()).put("appointmentId", h.appointmentId()).put("code", h.code())
        .put("siteId", h.site().id()).put("siteName", h.site().name(lang)).put("siteNames", Views.i18n(h.site().name()))
        .put("address", Views.i18n(h.site().address())).put("day", h.day().toString()).put("slot", h.slot().toString())
        .put("voucher", h.voucher()).put("priority", h.priority().map(p -> p.name().toLowerCase(Locale.ROOT)).orElse(null))
        .put("anaphylaxisHistory", h.anaphylaxisHistory());
  }

  /** "138****8000": enough for the person to know which phone, not for anyone else to learn it. */
  static String maskedPhone(String phone) {
    String p = PersonKey.normalizePhone(phone);
    if (p.length() <= 4) return "*".repeat(p.length());
    int head = Math.min(3, p.length() - 4);
    return p.substring(0, head) + "*".repeat(p.length() - head - 4) + p.substring(p.length() - 4);
  }
}
