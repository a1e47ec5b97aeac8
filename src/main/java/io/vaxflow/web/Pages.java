package io.vaxflow.web;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.Station;
import io.vaxflow.flow.StationAction;
import io.vaxflow.view.Views;
import io.vaxflow.view.Words;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.DeviceRole;
import io.vaxflow.gateway.Devices;
import io.vaxflow.gateway.TicketLinks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.templ.handlebars.HandlebarsTemplateEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Server-rendered pages (Handlebars templates in src/main/resources/templates), in Chinese or
 * English. Every word a page shows comes from the dictionaries in src/main/resources/i18n
 * ({@link Words}) and the error catalogue ({@link ErrorCode}), so the templates and page scripts
 * carry no language of their own; page data and words reach the page scripts through
 * {@code data-*} attributes on {@code <body>} (no inline scripts or styles: the pages run under the
 * strict CSP that {@link WebServer} puts on every response).
 */
public final class Pages {

  /** A ticket number as a link carries it (capitals; the API's form). */
  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("[APW][0-9]{3,5}");

  private final VaxflowConfig config;
  private final HandlebarsTemplateEngine engine;
  private final Clock clock;
  private final Map<String, SiteFlow> flows;
  private final Devices devices;
  private final TicketLinks links;
  private final Views views;

  /**
   * With the server's clock (the booking page offers days from the site's today), its sites' flows,
   * their devices and the tickets' links (a ticket's page on its phone).
   */
  public Pages(Vertx vertx, VaxflowConfig config, Clock clock, Map<String, SiteFlow> flows, Devices devices, TicketLinks links) {
    this.config = config;
    this.clock = clock;
    this.flows = flows;
    this.devices = devices;
    this.links = links;
    this.views = new Views(config.timeZone());
    this.engine = HandlebarsTemplateEngine.create(vertx);
    // The JVM's default charset is not UTF-8 everywhere on Java 17.
    engine.unwrap().getLoader().setCharset(StandardCharsets.UTF_8);
  }

  /** Every page is public: the staff pages sign in through the API, whose routes guard what they show. */
  public void mount(Routes routes) {
    routes.get("/", Access.anyone()).handler(this::home);
    routes.get("/sites/:site/kiosk", Access.anyone()).handler(ctx -> sitePage(ctx, "kiosk"));
    routes.get("/sites/:site/hall", Access.anyone()).handler(ctx -> sitePage(ctx, "hall"));
    routes.get("/sites/:site/staff", Access.anyone()).handler(ctx -> sitePage(ctx, "staff"));
    routes.get("/sites/:site/observation", Access.anyone()).handler(ctx -> sitePage(ctx, "observation"));
    routes.get("/sites/:site/dashboard", Access.anyone()).handler(ctx -> sitePage(ctx, "dashboard"));
    routes.get("/sites/:site/enrol", Access.anyone()).handler(ctx -> sitePage(ctx, "enrol"));
    routes.get("/book", Access.anyone()).handler(this::book);
    routes.get("/city", Access.anyone()).handler(this::city);
    routes.get("/t/:site/:number/certificate", Access.anyone()).handler(this::certificate);
    routes.get("/t/:site/:number", Access.anyone()).handler(this::ticket);
  }

  /**
   * A ticket on its holder's phone: the page of its link ({@code /t/{site}/{number}?k=}, its QR
   * code), with its public view as it is now; the page follows it live from there (track.js). A
   * key that is not the ticket's gets the 404 page a number that does not exist gets.
   */
  private void ticket(RoutingContext ctx) {
    ticketPage(ctx, "", "track", (t, flow, at, lang) -> {
      JsonObject view = views.track(t, config.announce().repeats()).put("at", views.time(at));
      return new JsonObject().put("title", Words.of(lang).getJsonObject("track").getString("title"))
          .put("siteOther", siteView(flow.site(), other(lang))).put("viewJson", view.encode())
          .put("intervalSec", config.announce().intervalSec());
    });
  }

  /**
   * A ticket's vaccination certificate, printable ({@code /t/{site}/{number}/certificate?k=}, linked from the phone
   * page once released), opened with the key of the ticket's link as the phone page is; its script asks the API for
   * the certificate, which says whether there is one yet.
   */
  private void certificate(RoutingContext ctx) {
    ticketPage(ctx, "/certificate", "certificate", (t, flow, at, lang) -> new JsonObject()
        .put("title", Words.of(lang).getJsonObject("common").getJsonObject("certificate").getString("title")));
  }

  /**
   * What a page of a ticket adds to the page's data: its {@code title}, and whatever else its template reads; {@code at}
   * is the moment before the ticket was read (a view pushed later is newer than it).
   */
  @FunctionalInterface
  private interface TicketData {
    JsonObject of(io.vaxflow.flow.Ticket ticket, SiteFlow flow, Instant at, String lang);
  }

  /**
   * A page of a ticket's link ({@code /t/{site}/{number}<suffix>?k=}): the site another server runs redirects there;
   * a number that does not exist, or a key that is not the ticket's, gets the 404 page; else {@code template} with
   * the ticket's site, number, title and language switch (keeping the key), and {@code data}.
   */
  private void ticketPage(RoutingContext ctx, String suffix, String template, TicketData data) {
    String lang = Lang.of(ctx);
    String siteId = ctx.pathParam("site");
    if (redirectedToRemote(ctx, siteId, "t/" + siteId + "/" + ctx.pathParam("number") + suffix)) return;
    SiteFlow flow = flows.get(siteId);
    String number = ctx.pathParam("number").toUpperCase(Locale.ROOT);
    String k = ctx.request().getParam("k");
    if (flow == null || !NUMBER.matcher(number).matches() || k == null) {
      notFound(ctx, "ticket");
      return;
    }
    Instant at = flow.now();
    links.open(flow, number, k).onSuccess(t -> {
      SiteConfig site = flow.site();
      JsonObject extra = data.of(t, flow, at, lang);
      render(ctx, 200, template, page(ctx, lang, "track")
          .put("pageTitle", t.number() + " · " + extra.remove("title") + " · " + site.name(lang))
          .put("switchHref", "/t/" + site.id() + "/" + t.number() + suffix + "?k=" + java.net.URLEncoder.encode(k, StandardCharsets.UTF_8)
              + "&lang=" + other(lang))
          .put("site", siteView(site, lang)).put("number", t.number()).mergeIn(extra));
    }).onFailure(err -> {
      if (err instanceof Rejection r && r.is(ErrorCode.UNKNOWN_TICKET)) notFound(ctx, "ticket");
      else ctx.fail(err);
    });
  }

  /** A site another server runs: its pages are there (the same path and query); true when redirected. */
  private boolean redirectedToRemote(RoutingContext ctx, String siteId, String path) {
    Optional<String> remote = config.anySite(siteId).flatMap(SiteConfig::remote);
    if (remote.isEmpty()) return false;
    String query = ctx.request().query();
    ctx.redirect(remote.get() + "/" + path + (query == null ? "" : "?" + query));
    return true;
  }

  /** Booking: the person's details, a dose, a day from today to 14 days ahead, a community or their location. */
  private void book(RoutingContext ctx) {
    String lang = Lang.of(ctx);
    LocalDate today = LocalDate.ofInstant(clock.instant(), config.timeZone());
    Locale locale = "zh".equals(lang) ? Locale.SIMPLIFIED_CHINESE : Locale.US;
    DateTimeFormatter format = DateTimeFormatter.ofPattern("zh".equals(lang) ? "M月d日 EEEE" : "EEEE, MMMM d", locale);
    JsonArray days = new JsonArray();
    for (int i = 0; i <= 14; i++) {
      LocalDate d = today.plusDays(i);
      String label = format.format(d);
      if (i == 0) label = Words.of(lang).getJsonObject("book").getString("today") + " · " + label;
      days.add(new JsonObject().put("value", d.toString()).put("label", label));
    }
    JsonArray communities = new JsonArray();
    config.communities().forEach(c -> communities.add(new JsonObject()
        .put("value", c.name().getOrDefault("en", c.name().values().iterator().next()))
        .put("label", c.name().getOrDefault(lang, c.name().get("en")))
        .put("label2", c.name().getOrDefault(other(lang), ""))));
    JsonArray sites = new JsonArray();
    config.sites().forEach(s -> sites.add(new JsonObject().put("id", s.id()).put("slotMin", s.slotMin())));
    render(ctx, 200, "book", page(ctx, lang, "book")
        .put("today", today.toString()).put("days", days).put("communities", communities)
        .put("doses", new JsonArray().add(1).add(2).add(3).add(4))
        .put("sitesJson", sites.encode()).put("checkinEarlyMin", config.flow().checkinEarlyMin()));
  }

  /** The city operator's overview; its figures come from GET /api/v1/city and each site's live state. */
  private void city(RoutingContext ctx) {
    String lang = Lang.of(ctx);
    JsonArray sites = new JsonArray();
    config.sites().forEach(s -> sites.add(siteView(s, lang).put("name2", s.name(other(lang))).put("code", s.code())));
    render(ctx, 200, "city", page(ctx, lang, "city").put("sites", sites).put("timeZone", config.timeZone().getId()));
  }

  private void home(RoutingContext ctx) {
    String lang = Lang.of(ctx);
    JsonArray sites = new JsonArray();
    for (SiteConfig s : config.sites()) {
      sites.add(new JsonObject().put("id", s.id()).put("name", s.name(lang)).put("address", s.address(lang))
          .put("walkIns", s.walkIns()));
    }
    render(ctx, 200, "index", page(ctx, lang, "index").put("sites", sites));
  }

  /** The kiosk, hall display and staff tablet of one site; an unknown site gets the 404 page. */
  private void sitePage(RoutingContext ctx, String template) {
    String lang = Lang.of(ctx);
    Optional<SiteConfig> found = config.site(ctx.pathParam("site"));
    // another server runs this site: its kiosk, hall and staff pages are there
    if (redirectedToRemote(ctx, ctx.pathParam("site"), "sites/" + ctx.pathParam("site") + "/" + template)) return;
    if (found.isEmpty()) {
      notFound(ctx, "site");
      return;
    }
    SiteConfig site = found.get();
    JsonObject data = page(ctx, lang, template)
        .put("pageTitle", Words.of(lang).getJsonObject(template).getString("title") + " · " + site.name(lang))
        .put("site", siteView(site, lang))
        .put("siteOther", siteView(site, other(lang)))
        .put("timeZone", config.timeZone().getId())
        .put("repeats", config.announce().repeats())
        .put("intervalSec", config.announce().intervalSec());
    if (template.equals("kiosk")) {
      JsonArray walkInSites = new JsonArray();
      config.sites().stream().filter(SiteConfig::walkIns).forEach(s -> walkInSites.add(new JsonObject()
          .put("id", s.id()).put("name", Views.i18n(s.name())).put("address", Views.i18n(s.address()))));
      data.put("walkInSitesJson", walkInSites.encode()).put("doses", new JsonArray().add(1).add(2).add(3).add(4));
      // the voucher's shape as this site's own codes start (XH-, PD-, ...)
      JsonObject words = Words.of(lang).getJsonObject("kiosk");
      data.put("voucherHint", words.getString("voucherHint").replace("{code}", site.code()))
          .put("voucherPlaceholder", words.getString("voucherPlaceholder").replace("{code}", site.code()));
    }
    if (template.equals("staff")) data.put("stationActions", stationActions());
    if (template.equals("dashboard")) {
      data.put("today", LocalDate.ofInstant(clock.instant(), config.timeZone()).toString())
          .put("leaseSec", config.flow().leaseSec());
    }
    if (template.equals("enrol")) { // the page that enrols a device is none of its devices' pages
      render(ctx, 200, template, data.put("demo", config.demoMode()));
      return;
    }
    deviceNote(ctx, site, DeviceRole.ofPage(template), lang)
        .onSuccess(note -> render(ctx, 200, template, data.put("deviceNote", note)))
        .onFailure(ctx::fail);
  }

  /**
   * What the page says, in small print, of the device it runs on: in demo mode the local browser is enrolled as the
   * page's device by itself (and told so); elsewhere a browser is one of the site's enrolled devices, or told that
   * it is not and where to enrol it.
   */
  private Future<JsonObject> deviceNote(RoutingContext ctx, SiteConfig site, DeviceRole role, String lang) {
    JsonObject words = Words.of(lang).getJsonObject("common").getJsonObject("device");
    String enrol = "/sites/" + site.id() + "/enrol?lang=" + lang;
    if (devices.local(ctx)) {
      return devices.demoEnrol(ctx, site.id(), role).map(credential -> {
        credential.ifPresent(c -> ctx.response().addCookie(Devices.cookie(ctx, c)));
        return new JsonObject().put("kind", "demo").put("text", words.getJsonObject("demo").getString(role.wire()));
      });
    }
    var held = devices.credential(ctx).filter(c -> c.site().equals(site.id()) && c.role().equals(role.wire()));
    JsonObject missing = new JsonObject().put("kind", "missing").put("text", words.getJsonObject("missing").getString(role.wire()))
        .put("enrolHref", enrol);
    if (held.isEmpty()) return Future.succeededFuture(missing);
    return devices.seen(held.get(), role)
        .map(d -> new JsonObject().put("kind", "enrolled").put("text", words.getString("enrolled")
            .replace("{role}", words.getJsonObject("roles").getString(role.wire())).replace("{name}", d.name())))
        .recover(err -> err instanceof Rejection
            ? Future.succeededFuture(missing.put("text", words.getString("revoked") + " " + missing.getString("text")))
            : Future.failedFuture(err));
  }

  /**
   * The 404 page, in the page's language: for a site that does not exist ({@code what} "site"), a
   * ticket link that opens nothing ("ticket") or any other address a person mistyped ("page"). Only for browsers asking for a page; the API answers JSON.
   */
  void notFound(RoutingContext ctx, String what) {
    String lang = Lang.of(ctx);
    JsonObject words = Words.of(lang).getJsonObject("notFound");
    JsonObject other = Words.of(other(lang)).getJsonObject("notFound");
    render(ctx, 404, "not-found", page(ctx, lang, "notFound")
        .put("pageTitle", words.getString(what + "Title"))
        .put("heading", words.getString(what + "Title")).put("text", words.getString(what + "Text"))
        .put("text2", other.getString(what + "Text")));
  }

  /** Whether a request that found nothing came from a browser wanting a page (not the API, HTML accepted). */
  static boolean wantsPage(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return !ctx.request().path().startsWith("/api/") && accept != null && accept.contains("text/html");
  }

  /** What every page gets: its language, the other language, both dictionaries and the language-switch link. */
  private JsonObject page(RoutingContext ctx, String lang, String section) {
    String other = other(lang);
    JsonObject scripts = new JsonObject();
    for (String l : Words.LANGS) {
      JsonObject d = Words.of(l);
      scripts.put(l, new JsonObject().put("common", d.getJsonObject("common")).put("page", d.getJsonObject(section))
          .put("errors", errors(l)));
    }
    return new JsonObject()
        .put("lang", lang).put("zh", "zh".equals(lang)).put("htmlLang", htmlLang(lang))
        .put("otherLang", other).put("otherHtmlLang", htmlLang(other))
        .put("t", Words.of(lang)).put("t2", Words.of(other))
        .put("pageTitle", Words.of(lang).getJsonObject(section).getString("title"))
        // one leading slash: "//host" would be a link off the site
        .put("switchHref", "/" + ctx.request().path().replaceFirst("^/+", "") + "?lang=" + other)
        .put("i18nJson", scripts.encode())
        .put("busPrefix", io.vaxflow.announce.Addresses.PREFIX); // live.js: the event-bus addresses
  }

  /** The tablet's buttons, one per station action (flow/StationAction): its route, its words, the station states it applies in. */
  private static JsonArray stationActions() {
    JsonArray out = new JsonArray();
    for (StationAction a : StationAction.values()) {
      out.add(new JsonObject().put("path", a.path()).put("key", a.key())
          .put("states", a.states().stream().map(Station.State::wire).collect(java.util.stream.Collectors.joining(" "))));
    }
    return out;
  }

  /** The error catalogue in {@code lang}, code to message: what the pages say of an API error (page.js errorText). */
  private static JsonObject errors(String lang) {
    JsonObject out = new JsonObject();
    for (ErrorCode code : ErrorCode.values()) out.put(code.code(), code.message(lang));
    return out;
  }

  private static JsonObject siteView(SiteConfig s, String lang) {
    return new JsonObject().put("id", s.id()).put("name", s.name(lang)).put("address", s.address(lang))
        .put("walkIns", s.walkIns()).put("opens", s.hours().openText()).put("closes", s.hours().closeText());
  }

  private static String other(String lang) {
    return "zh".equals(lang) ? "en" : "zh";
  }

  private static String htmlLang(String lang) {
    return "zh".equals(lang) ? "zh-CN" : "en";
  }

  void render(RoutingContext ctx, int status, String template, JsonObject data) {
    engine.render(data, "templates/" + template + ".hbs").onSuccess(html ->
        ctx.response().setStatusCode(status)
            .putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "no-cache")
            .putHeader("Vary", "Accept-Language")
            .end(html)
    ).onFailure(ctx::fail);
  }
}
