package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.config.StaffAccount.Role;
import io.vaxflow.flow.Observation;
import io.vaxflow.flow.Observation.Person;
import io.vaxflow.flow.Observation.Severity;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.view.Views;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;

/**
 * The observation tablet's routes: the people in observation with their countdown, and what its
 * staff do (extend, record a reaction, clear a severe one, release early). Observers and
 * vaccinators work the area (managers pass every rule); a person is named by their ticket number.
 */
record ObservationRoutes(Views views) {

  private static final String BASE = "/api/v1/sites/:site/observation";
  private static final String PERSON = BASE + "/:number";
  /** How far back a reaction's start may be given. */
  private static final Duration AT_MAX_AGO = Duration.ofHours(12);

  /** Who works the observation area. */
  static Access staff() {
    return Access.anyOf(Role.OBSERVER, Role.VACCINATOR);
  }

  void mount(Routes routes) {
    routes.get(BASE, staff()).handler(this::people);
    Routes acts = routes.actingByScript();
    acts.post(PERSON + "/extend", staff()).handler(ctx -> reply(ctx, of(ctx).extend(SiteParams.number(ctx), StaffAuth.actor(ctx))));
    acts.post(PERSON + "/reaction", staff()).handler(this::reaction);
    acts.post(PERSON + "/clear", staff()).handler(ctx -> reply(ctx, of(ctx).clear(SiteParams.number(ctx), StaffAuth.actor(ctx))));
    acts.post(PERSON + "/release", staff()).handler(this::release);
  }

  /** The body of a reaction: symptoms (a short note), severity, when it began (epoch ms, default now). */
  record ReactionBody(String symptoms, Severity severity, Instant at) {
    static ReactionBody of(RoutingContext ctx, Instant now) {
      JsonObject b = Input.body(ctx);
      String symptoms = Input.text(b, "symptoms");
      Severity severity = Severity.of(b.getString("severity")).orElseThrow();
      Long at = b.getLong("at");
      if (at == null) return new ReactionBody(symptoms, severity, now);
      Instant t = Instant.ofEpochMilli(at);
      if (t.isAfter(now.plusSeconds(60)) || t.isBefore(now.minus(AT_MAX_AGO))) {
        throw Rejection.invalid("at", "at must be a time of the last " + AT_MAX_AGO.toHours() + " hours, not in the future.");
      }
      return new ReactionBody(symptoms, severity, t);
    }
  }

  private static Observation of(RoutingContext ctx) {
    return new Observation(SiteParams.flow(ctx));
  }

  private void people(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    Instant now = flow.now();
    new Observation(flow).people().onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(p -> out.add(person(p)));
      json(ctx, 200, new JsonObject().put("at", views.time(now)).put("people", out));
    }).onFailure(ctx::fail);
  }

  private void reaction(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    String number = SiteParams.number(ctx);
    ReactionBody r = ReactionBody.of(ctx, flow.now());
    reply(ctx, new Observation(flow).react(number, r.symptoms(), r.severity(), r.at(), StaffAuth.actor(ctx)));
  }

  private void release(RoutingContext ctx) {
    of(ctx).release(SiteParams.number(ctx), StaffAuth.actor(ctx))
        .onSuccess(t -> json(ctx, 200, new JsonObject().put("ticket", views.ticket(t)))).onFailure(ctx::fail);
  }

  private void reply(RoutingContext ctx, Future<Person> person) {
    person.onSuccess(p -> json(ctx, 200, new JsonObject().put("person", person(p)))).onFailure(ctx::fail);
  }

  private JsonObject person(Person p) {
    JsonArray reactions = new JsonArray();
    p.reactions().forEach(r -> reactions.add(new JsonObject().put("symptoms", r.symptoms()).put("severity", r.severity().wire())
        .put("at", views.time(r.at())).put("by", r.by()).put("recordedAt", views.time(r.recordedAt()))));
    return new JsonObject().put("number", p.number()).put("day", p.day()).put("category", p.category())
        .put("risk", p.highRisk() ? "high" : "standard")
        .put("from", views.time(p.from())).put("until", views.time(p.until())).put("untilMs", p.until().toEpochMilli())
        .put("secondsLeft", p.secondsLeft()).put("extended", p.extended())
        .put("held", p.heldSince().isPresent()).put("heldSince", p.heldSince().map(views::time).orElse(null))
        .put("reactions", reactions);
  }
}
