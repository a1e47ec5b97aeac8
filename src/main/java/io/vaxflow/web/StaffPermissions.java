package io.vaxflow.web;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.flow.StationKind;
import io.vaxflow.gateway.Access;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * What a staff member may do at each site they work at, read from the rules the routes declare:
 * the station kinds they may work, whether they run the site (the manager's dashboard, settings,
 * figures, export), and every site route they may call. GET /api/v1/auth/me answers it so the
 * pages keep no role rules of their own.
 */
final class StaffPermissions {

  private StaffPermissions() {
  }

  /** {"pudong": {"stations": ["door"], "manage": false, "routes": ["GET /api/v1/sites/:site/stations", ...]}, ...} */
  static JsonObject of(StaffAccount s, List<SiteConfig> sites, List<RouteSpec> specs) {
    JsonObject out = new JsonObject();
    for (SiteConfig site : sites) {
      if (!s.worksAt(site.id())) continue;
      JsonArray kinds = new JsonArray();
      for (StationKind k : StationKind.values()) {
        if (Access.stationKind().permits(s, site.id(), Optional.of(k))) kinds.add(k.wire());
      }
      JsonArray routes = new JsonArray();
      for (RouteSpec r : specs) {
        Access a = r.access();
        if (a.siteScoped() && a.rule() != Access.Rule.STATION_KIND && a.permits(s, site.id(), Optional.empty())) {
          routes.add(r.key());
        }
      }
      out.put(site.id(), new JsonObject().put("stations", kinds)
          .put("manage", Access.manager().permits(s, site.id(), Optional.empty())).put("routes", routes));
    }
    return out;
  }
}
