package io.vaxflow.stock;

import io.vaxflow.config.Product;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Actor;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.StationId;
import io.vaxflow.flow.StationKind;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vaccine stock of the city's sites: lots received at a site (typed by a manager, or read from the carton's GS1
 * DataMatrix, {@link Gs1}), the vials opened at its booths, and what is left, given and wasted. Each change is one
 * script of the site (lua/lot_add.lua, vial_open.lua); a booth's {@code done} gives the shot from its open vial
 * (lua/done.lua, lua/lib/stock.lua), and a vial past its time is discarded by the timer sweep (lua/tick.lua).
 */
public final class Stock {

  /** A lot as the site holds it; {@code dosesLeft} counts its sealed vials and its open ones. */
  public record Lot(String lot, String product, String gtin, LocalDate expiry, int dosesPerVial, int vials, int opened,
                    int given, int wasted, int dosesLeft, boolean expired, Instant addedAt, String addedBy) {}

  /** The vial open at a booth: from its lot, until {@code expiresAt}. */
  public record Vial(String station, String lot, String product, Instant openedAt, Instant expiresAt, int dosesLeft,
                     int vialNo) {}

  /** The site's stock now: its lots (the soonest expiry first), its open vials, today's doses given and wasted. */
  public record View(Instant at, List<Lot> lots, List<Vial> openVials, int givenToday, int wastedToday) {}

  /** A vial opened at a booth, and the doses of the vial it replaced counted wasted. */
  public record Opened(Vial vial, int wasted) {}

  private final VaxflowConfig config;

  public Stock(VaxflowConfig config) {
    this.config = config;
  }

  /** A lot of {@code product} received: {@code vials} sealed vials (more of a lot the site has). */
  public Future<Lot> addLot(SiteFlow flow, String productId, String lot, LocalDate expiry, int vials, Actor by) {
    Product product = config.product(productId).orElseThrow(() -> Rejection.invalid("product",
        "product must be one of the city's products: " + String.join(", ", config.products().stream().map(Product::id).toList())));
    return add(flow, product, product.gtins().get(0), lot, expiry, vials, false, by);
  }

  /** A carton scanned: its GS1 text read into product (by its GTIN), lot and expiry; {@code vials} of it received. */
  public Future<Lot> addScanned(SiteFlow flow, String gs1, int vials, Actor by) {
    Gs1.Carton carton = carton(gs1);
    return add(flow, productOf(carton), carton.gtin(), carton.lot(), carton.expiry(), vials, false, by);
  }

  /** In demo mode, the site's {@code stock.demoLots}, each added once (a lot the site has is left as it is). */
  public Future<Void> seedDemo(SiteFlow flow) {
    if (!config.demoMode()) return Future.succeededFuture();
    List<Future<Lot>> each = new ArrayList<>();
    for (SiteConfig.DemoLot d : flow.site().stock().demoLots()) {
      Product p = config.product(d.product()).orElseThrow();
      each.add(add(flow, p, p.gtins().get(0), d.lot(), flow.today().plusDays(d.expiresInDays()), d.vials(), true, Actor.of("demo")));
    }
    return Future.all(each).mapEmpty();
  }

  private Future<Lot> add(SiteFlow flow, Product product, String gtin, String lot, LocalDate expiry, int vials, boolean seed,
                          Actor by) {
    long usableUntil = expiry.plusDays(1).atStartOfDay(config.timeZone()).toInstant().toEpochMilli();
    ScriptArgs.LotAdd args = new ScriptArgs.LotAdd(lot, product.id(), gtin, expiry.toString(), expiry.toEpochDay(), usableUntil,
        product.dosesPerVial(), vials, seed);
    return flow.run(Script.LOT_ADD, args, by).map(r -> lot(r.getJsonObject("lot"), Map.of(), flow.today()));
  }

  /**
   * A vial of a lot opened at a booth ({@code lot} a lot number, or {@code gs1} the scanned vial or carton: its lot
   * must be the site's, of the product its GTIN names).
   */
  public Future<Opened> openVial(SiteFlow flow, StationId booth, String lot, String gs1, Actor by) {
    String product = "";
    if (gs1 != null) {
      Gs1.Carton carton = carton(gs1);
      product = productOf(carton).id();
      lot = carton.lot();
    }
    SiteConfig.LastHour last = flow.site().lastHour();
    long stop = last.stopOn(flow.today(), config.timeZone()).map(java.time.Instant::toEpochMilli).orElse(0L);
    return flow.run(Script.VIAL_OPEN, new ScriptArgs.VialOpen(booth.id(), lot, product, stop, last.minWaitingToOpen()), by)
        .map(r -> new Opened(vial(booth.id(), r.getJsonObject("vial")), r.getInteger("wasted", 0)));
  }

  /** The site's stock now. */
  public Future<View> view(SiteFlow flow) {
    List<String> booths = StationId.all(flow.site()).stream().filter(s -> s.kind() == StationKind.BOOTH).map(StationId::id).toList();
    return flow.run(Script.STOCK, new ScriptArgs.Stock(booths), Actor.of("public")).map(r -> {
      List<Vial> vials = new ArrayList<>();
      for (String b : booths) {
        JsonObject v = r.getJsonObject("vials").getJsonObject(b);
        if (v != null) vials.add(vial(b, v));
      }
      Map<String, Integer> open = new java.util.HashMap<>();
      vials.forEach(v -> open.merge(v.lot(), v.dosesLeft(), Integer::sum));
      List<Lot> lots = new ArrayList<>();
      if (r.getValue("lots") instanceof JsonArray a) a.forEach(l -> lots.add(lot((JsonObject) l, open, flow.today())));
      JsonObject today = r.getJsonObject("today");
      return new View(flow.now(), lots, vials, number(today, "given"), number(today, "wasted"));
    });
  }

  private static Gs1.Carton carton(String gs1) {
    try {
      return Gs1.parse(gs1);
    } catch (Gs1.Unreadable e) {
      throw new Rejection(ErrorCode.GS1_INVALID, "The scanned code cannot be read: " + e.getMessage() + ".",
          new JsonObject().put("field", "gs1").put("reason", e.getMessage()));
    }
  }

  private Product productOf(Gs1.Carton carton) {
    return config.productOfGtin(carton.gtin()).orElseThrow(() -> new Rejection(ErrorCode.UNKNOWN_GTIN,
        "The GTIN " + carton.gtin() + " is not one of the city's products.", new JsonObject().put("gtin", carton.gtin())));
  }

  private static Lot lot(JsonObject l, Map<String, Integer> openDoses, LocalDate today) {
    LocalDate expiry = LocalDate.parse(l.getString("expiry"));
    int perVial = number(l, "dosesPerVial");
    int vials = number(l, "vials");
    return new Lot(l.getString("lot"), l.getString("product"), l.getString("gtin"), expiry, perVial, vials,
        number(l, "opened"), number(l, "given"), number(l, "wasted"), vials * perVial + openDoses.getOrDefault(l.getString("lot"), 0),
        expiry.isBefore(today), Instant.ofEpochMilli(Long.parseLong(l.getString("addedAt"))), l.getString("addedBy"));
  }

  private static Vial vial(String station, JsonObject v) {
    return new Vial(station, v.getString("lot"), v.getString("product"), Instant.ofEpochMilli(longOf(v, "openedAt")),
        Instant.ofEpochMilli(longOf(v, "expiresAt")), number(v, "dosesLeft"), number(v, "vialNo"));
  }

  /** A number a script wrote as a number or as text (a hash field). */
  private static long longOf(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v == null ? 0 : v instanceof Number n ? n.longValue() : Long.parseLong(v.toString());
  }

  private static int number(JsonObject o, String key) {
    return (int) longOf(o, key);
  }
}
