package io.vaxflow.appointment;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.security.PersonalData;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The city's appointment registry as an HTTP service of its own (its own port; in production a
 * remote system named by {@code registry.url}). Kiosks ask it whether an appointment code is
 * real and for whom; the bookings it answers from are the ones the dispatcher wrote (their name and ID number
 * sealed in the store, opened here; gone once erased, privacy.retainHours after the booking's day).
 */
public final class AppointmentRegistry extends VerticleBase {

  private static final Pattern CODE = Pattern.compile("[A-Z]{2}[0-9A-HJKMNP-TV-Z]{8}");

  private final VaxflowConfig config;
  private final Scripts store;
  private final String host;
  private final int port;
  private final PersonalData personal;
  private HttpServer server;

  public AppointmentRegistry(VaxflowConfig config, Scripts store, String host, int port) {
    this.config = config;
    this.store = store;
    this.host = host;
    this.port = port;
    this.personal = PersonalData.fromVoucherSecret(config.voucherSecret());
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/registry/v1/appointments/:code").handler(this::appointment);
    router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end("{\"status\":\"UP\"}"));
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(port, host);
  }

  public int port() {
    return server.actualPort();
  }

  private void appointment(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    Optional<SiteConfig> site = CODE.matcher(code).matches()
        ? config.sites().stream().filter(s -> s.code().equals(code.substring(0, 2))).findFirst()
        : Optional.empty();
    if (site.isEmpty()) {
      notFound(ctx);
      return;
    }
    store.send(Request.cmd(Command.HGETALL).arg(SiteKeys.Site.APPOINTMENT.of(site.get().id(), code))).onComplete(ar -> {
      if (ar.failed()) {
        ctx.response().setStatusCode(503).putHeader("Retry-After", "2").end();
        return;
      }
      Response r = ar.result();
      if (r == null || r.size() == 0 || r.get("code") == null) {
        notFound(ctx);
        return;
      }
      JsonObject a = new JsonObject();
      for (String k : r.getKeys()) a.put(k, r.get(k).toString());
      ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(new JsonObject()
          .put("code", code).put("siteId", site.get().id()).put("day", a.getString("day"))
          .put("slot", a.getString("slot")).put("slotStart", Long.parseLong(a.getString("slotStart")))
          .put("priority", a.getString("priority", "")).put("name", personal.open(a.getString("name")))
          .put("idType", a.getString("idType", "resident")).put("idNumber", personal.open(a.getString("idNumber")))
          .put("dose", Integer.parseInt(a.getString("dose", "1"))).put("category", a.getString("category", ""))
          .encode());
    });
  }

  private static void notFound(RoutingContext ctx) {
    ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
        .end("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"No such appointment.\"}}");
  }
}
