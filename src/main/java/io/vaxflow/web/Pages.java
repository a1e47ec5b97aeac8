package io.vaxflow.web;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Rejection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.templ.handlebars.HandlebarsTemplateEngine;

/** Server-rendered pages (Handlebars templates in src/main/resources/templates), in Chinese or English. */
public final class Pages {

  private final VaxflowConfig config;
  private final HandlebarsTemplateEngine engine;

  public Pages(Vertx vertx, VaxflowConfig config) {
    this.config = config;
    this.engine = HandlebarsTemplateEngine.create(vertx);
  }

  public void mount(Router router) {
    router.get("/").handler(this::home);
  }

  private void home(RoutingContext ctx) {
    String lang = Lang.of(ctx);
    JsonArray sites = new JsonArray();
    for (SiteConfig s : config.sites()) {
      sites.add(new JsonObject().put("id", s.id()).put("name", s.name(lang)).put("address", s.address(lang))
          .put("walkIns", s.walkIns()));
    }
    render(ctx, "index", new JsonObject().put("lang", lang).put("zh", "zh".equals(lang)).put("sites", sites));
  }

  void render(RoutingContext ctx, String template, JsonObject data) {
    engine.render(data, "templates/" + template + ".hbs").onSuccess(html ->
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html)
    ).onFailure(ctx::fail);
  }

  static Rejection unknownSite() {
    return new Rejection("UNKNOWN_SITE", "There is no such site.");
  }
}
