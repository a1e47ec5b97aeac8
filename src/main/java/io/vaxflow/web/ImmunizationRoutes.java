package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.gateway.TicketLinks;
import io.vaxflow.immunization.Certificates;
import io.vaxflow.immunization.Fhir;
import io.vaxflow.immunization.Shot;
import io.vaxflow.immunization.Shots;
import io.vaxflow.view.Views;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The immunization record and the certificates: a site's day of shots as a FHIR Bundle (its manager, or the
 * registry's Bearer token, {@code immunizationRegistry.token}); a ticket's certificate for whoever holds its link
 * (the track key {@code k}, as the phone page has it); checking a certificate; the sites' public keys
 * ({@code /.well-known/vaxflow-keys}, a JWK set) for anyone who checks certificates offline.
 */
public record ImmunizationRoutes(VaxflowConfig config, Vertx vertx, Shots shots, Fhir fhir, Certificates certificates,
    TicketLinks links) {

  /** The API's routes ({@code api}: path parameters checked) and the keys' well-known address ({@code root}). */
  void mount(Routes api, Routes root, RateLimiter limiter) {
    api.get("/api/v1/sites/:site/immunizations", Access.manager().orBearer(config.immunizationRegistry().token()))
        .handler(this::immunizations);
    api.get("/api/v1/sites/:site/tickets/:number/certificate", Access.anyone(), limiter.per(RouteClass.LOOKUP))
        .handler(this::certificate);
    api.post("/api/v1/certificates/verify", Access.anyone(), limiter.per(RouteClass.LOOKUP)).handler(this::verify);
    root.get("/.well-known/vaxflow-keys", Access.anyone()).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/jwk-set+json").putHeader("Cache-Control", "max-age=300")
        .end(certificates.jwks().encode()));
  }

  /** The site's shots of a day (default today) as a FHIR collection Bundle, one Immunization per shot. */
  private void immunizations(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    String site = flow.site().id();
    String day = Optional.ofNullable(ctx.request().getParam("day")).orElse(flow.today().toString());
    // the people as the record may name them (Fhir: their key, or in patient: document mode their ID number and name)
    shots.day(site, day).compose(list -> shots.people(list)
        // HAPI's encoding off the event loop (its first use scans the FHIR model)
        .compose(people -> vertx.executeBlocking(() -> Fhir.json(fhir.bundle(site, day, list, people, flow.now())), false))).onSuccess(body -> ctx.response().setStatusCode(200).putHeader("Content-Type", Fhir.JSON + "; charset=utf-8").end(body))
        .onFailure(ctx::fail);
  }

  /**
   * A ticket's certificate, for whoever holds its link: its key {@code k} checked as the phone's routes check it
   * ({@link TicketLinks}: any other key is the 404 of a number that does not exist); {@code 409 NO_CERTIFICATE} until
   * it is released with a shot.
   */
  private void certificate(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    String site = flow.site().id();
    String number = SiteParams.number(ctx);
    String k = ctx.request().getParam("k");
    links.admit(flow, number, k).compose(day -> day.isPresent() ? certificates.ofTicket(site, day.get(), number)
        : Future.failedFuture(TicketLinks.unknown())).onSuccess(found -> {
      if (found.certificate().isEmpty()) {
        String reason = switch (found.missing().orElseThrow()) {
          case NOT_RELEASED -> "notReleased";
          case NO_SHOT -> "noShot";
          case NO_KEY -> "noKey";
          case ERASED -> "erased";
        };
        ctx.fail(new Rejection(ErrorCode.NO_CERTIFICATE, new JsonObject().put("reason", reason)));
        return;
      }
      Certificates.Certificate c = found.certificate().get();
      json(ctx, 200, new JsonObject().put("certificate", c.text()).put("kid", c.kid()).put("claims", c.claims())
          .put("productName", Views.i18n(fhir.productName(c.claims().getString("product"))))
          .put("siteName", Views.i18n(flow.site().name())));
    }).onFailure(ctx::fail);
  }

  /** Checks a certificate against the published keys: {@code {valid, claims?, kid?, reason?}}. */
  private void verify(RoutingContext ctx) {
    String text = ctx.body().asJsonObject().getString("certificate");
    Certificates.Verdict v = certificates.verify(text);
    JsonObject out = new JsonObject().put("valid", v.valid());
    v.claims().ifPresent(c -> out.put("claims", c));
    v.kid().ifPresent(kid -> out.put("kid", kid));
    v.reason().ifPresent(r -> out.put("reason", r));
    json(ctx, 200, out);
  }
}
