package io.vaxflow.web;

import io.vaxflow.view.Views;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.gateway.Access;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.templ.handlebars.HandlebarsTemplateEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Server-rendered pages (Handlebars templates in src/main/resources/templates), in Chinese or
 * English. Every word a page shows comes from the dictionaries in src/main/resources/i18n, so the
 * templates carry no language of their own; page data reaches the page scripts through
 * {@code data-*} attributes on {@code <body>} (no inline scripts or styles: the pages run under the
 * strict CSP that {@link WebServer} puts on every response).
 */
public final class Pages {

  private final VaxflowConfig config;
  private final HandlebarsTemplateEngine engine;
  private final Dictionary dictionary;
  private final Clock clock;

  public Pages(Vertx vertx, VaxflowConfig config) {
    this(vertx, config, Clock.systemUTC());
  }

  /** With the server's clock: the booking page offers days from the site's today. */
  public Pages(Vertx vertx, VaxflowConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.engine = HandlebarsTemplateEngine.create(vertx);
    // The JVM's default charset is not UTF-8 everywhere on Java 17.
    engine.unwrap().getLoader().setCharset(StandardCharsets.UTF_8);
    this.dictionary = Dictionary.load();
  }

  /** Every page is public: the staff pages sign in through the API, whose routes guard what they show. */
  public void mount(Routes routes) {
    routes.get("/", Access.anyone()).handler(this::home);
    routes.get("/sites/:site/kiosk", Access.anyone()).handler(ctx -> sitePage(ctx, "kiosk"));
    routes.get("/sites/:site/hall", Access.anyone()).handler(ctx -> sitePage(ctx, "hall"));
    routes.get("/sites/:site/staff", Access.anyone()).handler(ctx -> sitePage(ctx, "staff"));
    routes.get("/sites/:site/observation", Access.anyone()).handler(ctx -> sitePage(ctx, "observation"));
    routes.get("/sites/:site/dashboard", Access.anyone()).handler(ctx -> sitePage(ctx, "dashboard"));
    routes.get("/book", Access.anyone()).handler(this::book);
    routes.get("/city", Access.anyone()).handler(this::city);
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
      if (i == 0) label = dictionary.of(lang).getJsonObject("book").getString("today") + " · " + label;
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
    Optional<String> remote = config.anySite(ctx.pathParam("site")).flatMap(SiteConfig::remote);
    if (remote.isPresent()) {
      // another server runs this site: its kiosk, hall and staff pages are there
      String query = ctx.request().query();
      ctx.redirect(remote.get() + "/sites/" + ctx.pathParam("site") + "/" + template + (query == null ? "" : "?" + query));
      return;
    }
    if (found.isEmpty()) {
      notFound(ctx, "site");
      return;
    }
    SiteConfig site = found.get();
    JsonObject data = page(ctx, lang, template)
        .put("pageTitle", dictionary.of(lang).getJsonObject(template).getString("title") + " · " + site.name(lang))
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
      JsonObject words = dictionary.of(lang).getJsonObject("kiosk");
      data.put("voucherHint", words.getString("voucherHint").replace("{code}", site.code()))
          .put("voucherPlaceholder", words.getString("voucherPlaceholder").replace("{code}", site.code()));
    }
    if (template.equals("dashboard")) {
      data.put("today", LocalDate.ofInstant(clock.instant(), config.timeZone()).toString())
          .put("leaseSec", config.flow().leaseSec());
    }
    render(ctx, 200, template, data);
  }

  /**
   * The 404 page, in the page's language: for a site that does not exist ({@code what} "site") or any
   * other address a person mistyped ("page"). Only for browsers asking for a page; the API answers JSON.
   */
  void notFound(RoutingContext ctx, String what) {
    String lang = Lang.of(ctx);
    JsonObject words = dictionary.of(lang).getJsonObject("notFound");
    JsonObject other = dictionary.of(other(lang)).getJsonObject("notFound");
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
    for (String l : Dictionary.LANGS) {
      JsonObject d = dictionary.of(l);
      scripts.put(l, new JsonObject().put("common", d.getJsonObject("common")).put("page", d.getJsonObject(section)));
    }
    return new JsonObject()
        .put("lang", lang).put("zh", "zh".equals(lang)).put("htmlLang", htmlLang(lang))
        .put("otherLang", other).put("otherHtmlLang", htmlLang(other))
        .put("t", dictionary.of(lang)).put("t2", dictionary.of(other))
        .put("pageTitle", dictionary.of(lang).getJsonObject(section).getString("title"))
        // one leading slash: "//host" would be a link off the site
        .put("switchHref", "/" + ctx.request().path().replaceFirst("^/+", "") + "?lang=" + other)
        .put("i18nJson", scripts.encode())
        .put("busPrefix", io.vaxflow.announce.Addresses.PREFIX); // live.js: the event-bus addresses
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


  /** The pages' words in each language, read once at start; both languages must have the same keys. */
  record Dictionary(Map<String, JsonObject> byLang) {

    static final Set<String> LANGS = Set.of("en", "zh");

    JsonObject of(String lang) {
      return byLang.get(lang);
    }

    static Dictionary load() {
      JsonObject en = read("i18n/en.json");
      JsonObject zh = read("i18n/zh.json");
      Set<String> enKeys = keys("", en, new TreeSet<>());
      Set<String> zhKeys = keys("", zh, new TreeSet<>());
      if (!enKeys.equals(zhKeys)) {
        Set<String> onlyEn = new TreeSet<>(enKeys);
        onlyEn.removeAll(zhKeys);
        Set<String> onlyZh = new TreeSet<>(zhKeys);
        onlyZh.removeAll(enKeys);
        throw new IllegalStateException("i18n/en.json and i18n/zh.json differ: only in en " + onlyEn + ", only in zh " + onlyZh);
      }
      return new Dictionary(Map.of("en", en, "zh", zh));
    }

    private static JsonObject read(String resource) {
      try (InputStream in = Pages.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
        return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(resource, e);
      }
    }

    private static Set<String> keys(String prefix, JsonObject o, Set<String> into) {
      for (String k : o.fieldNames()) {
        if (o.getValue(k) instanceof JsonObject child) keys(prefix + k + ".", child, into);
        else into.add(prefix + k);
      }
      return into;
    }
  }
}
