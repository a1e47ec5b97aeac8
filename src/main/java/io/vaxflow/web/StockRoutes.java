package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.config.Product;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Rejection;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.stock.Stock;
import io.vaxflow.view.Views;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/** The site's vaccine stock: its lots (a manager adds them), the view of it (its staff), a vial opened at a booth. */
record StockRoutes(Stock stock, VaxflowConfig config, Views views) {

  void mount(Routes routes) {
    routes.get("/api/v1/sites/:site/stock", Access.siteStaff()).handler(this::view);
    Routes acts = routes.actingByScript();
    acts.post("/api/v1/sites/:site/stock/lots", Access.manager()).handler(this::addLot);
    acts.post("/api/v1/sites/:site/stations/:station/vial", Access.stationKind()).handler(this::openVial);
  }

  /** The body of POST /stock/lots: a scanned carton ({@code gs1}) or a typed lot ({@code product, lot, expiry}). */
  record LotEntry(String gs1, String product, String lot, LocalDate expiry, int vials) {
    static LotEntry of(JsonObject b) {
      int vials = b.getInteger("vials");
      if (b.containsKey("gs1")) {
        for (String typed : new String[] {"product", "lot", "expiry"}) {
          if (b.containsKey(typed)) throw Rejection.invalid(typed, "Give the scanned gs1 text or product, lot and expiry, not both.");
        }
        return new LotEntry(b.getString("gs1"), null, null, null, vials);
      }
      for (String typed : new String[] {"product", "lot", "expiry"}) {
        if (!b.containsKey(typed)) throw Rejection.invalid(typed, typed + " is required (or the scanned gs1 text).");
      }
      return new LotEntry(null, Input.text(b, "product"), Input.text(b, "lot"), LocalDate.parse(Input.text(b, "expiry")), vials);
    }
  }

  private void addLot(RoutingContext ctx) {
    LotEntry e = LotEntry.of(Input.body(ctx));
    var flow = SiteParams.flow(ctx);
    (e.gs1() != null ? stock.addScanned(flow, e.gs1(), e.vials(), StaffAuth.actor(ctx))
        : stock.addLot(flow, e.product(), e.lot(), e.expiry(), e.vials(), StaffAuth.actor(ctx)))
        .onSuccess(lot -> json(ctx, 201, new JsonObject().put("lot", lot(lot)))).onFailure(ctx::fail);
  }

  private void view(RoutingContext ctx) {
    stock.view(SiteParams.flow(ctx)).onSuccess(v -> {
      JsonArray lots = new JsonArray();
      v.lots().forEach(l -> lots.add(lot(l)));
      JsonArray vials = new JsonArray();
      v.openVials().forEach(o -> vials.add(vial(o, v.at())));
      json(ctx, 200, new JsonObject().put("at", views.time(v.at())).put("lots", lots).put("openVials", vials)
          .put("today", new JsonObject().put("given", v.givenToday()).put("wasted", v.wastedToday())));
    }).onFailure(ctx::fail);
  }

  private void openVial(RoutingContext ctx) {
    JsonObject b = Input.body(ctx);
    var flow = SiteParams.flow(ctx);
    stock.openVial(flow, SiteParams.station(ctx), Input.optionalText(b, "lot").orElse(null), b.getString("gs1"), StaffAuth.actor(ctx))
        .onSuccess(o -> json(ctx, 200, new JsonObject().put("station", o.vial().station()).put("vial", vial(o.vial(), flow.now()))
            .put("wasted", o.wasted())))
        .onFailure(ctx::fail);
  }

  private JsonObject lot(Stock.Lot l) {
    return new JsonObject().put("lot", l.lot()).put("product", l.product()).put("gtin", l.gtin()).put("expiry", l.expiry().toString())
        .put("expired", l.expired()).put("dosesPerVial", l.dosesPerVial()).put("dosesLeft", l.dosesLeft()).put("vials", l.vials())
        .put("opened", l.opened()).put("given", l.given()).put("wasted", l.wasted()).put("addedAt", views.time(l.addedAt()))
        .put("addedBy", l.addedBy()).put("productName", productName(l.product()));
  }

  private JsonObject vial(Stock.Vial v, Instant now) {
    JsonObject out = new JsonObject().put("station", v.station()).put("lot", v.lot()).put("product", v.product())
        .put("openedAt", views.time(v.openedAt())).put("expiresAt", views.time(v.expiresAt()))
        .put("secondsLeft", Math.max(0, Duration.between(now, v.expiresAt()).toSeconds())).put("dosesLeft", v.dosesLeft())
        .put("vialNo", v.vialNo());
    return out.put("productName", productName(v.product()));
  }

  /** The product's names in both languages; its id where the config no longer has it. */
  private JsonObject productName(String id) {
    Product p = config.product(id).orElse(null);
    return new JsonObject().put("zh", p == null ? id : p.name("zh")).put("en", p == null ? id : p.name("en"));
  }
}
