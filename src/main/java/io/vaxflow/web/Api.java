package io.vaxflow.web;

import io.vaxflow.view.Views;
import io.vaxflow.checkin.Checkin;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.dispatch.Dispatcher;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.Devices;
import io.vaxflow.gateway.StaffLogin;
import io.vaxflow.gateway.TicketLinks;
import io.vaxflow.monitor.CityOverview;
import io.vaxflow.monitor.SiteMetrics;
import io.vaxflow.store.EventStream;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * The HTTP API v1 (its contract: {@link ApiContract}, src/main/resources/openapi/vaxflow.yaml), by audience: {@link PublicRoutes}, {@link BookingRoutes}, {@link KioskRoutes},
 * {@link PhoneRoutes} (a ticket's phone), {@link AuthRoutes}, {@link StationRoutes} (the staff tablet), {@link ObservationRoutes}, {@link ManagerRoutes}, {@link DeviceRoutes} (a site's devices), {@link StockRoutes} (the vaccine stock), {@link ImmunizationRoutes} (the immunization record, certificates). Each module
 * mounts its routes with their {@link io.vaxflow.gateway.Access} rule on the route; JSON at this edge only.
 */
public final class Api {

  private final SiteParams params;
  private final PublicRoutes publicRoutes;
  private final BookingRoutes bookingRoutes;
  private final KioskRoutes kiosk;
  private final PhoneRoutes phone;
  private final StationRoutes stations;
  private final ManagerRoutes manager;
  private final PlanRoutes plan;
  private final DeviceRoutes devices;
  private final StockRoutes stock;
  private final VaxflowConfig config;
  private final StaffLogin staffLogin;
  private final RateLimiter limiter;
  private final Views views;
  private final ImmunizationRoutes immunizations;

  public Api(Vertx vertx, VaxflowConfig config, Map<String, SiteFlow> flows, Checkin checkin,
             Dispatcher dispatcher, io.vaxflow.dispatch.Bookings bookings, StaffLogin staffLogin, Devices devices, EventStream events, RateLimiter limiter,
             SiteMetrics siteMetrics, CityOverview city, io.vaxflow.plan.SitePlans plans, io.vaxflow.stock.Stock stock, TicketLinks links,
             ImmunizationRoutes immunizations) {
    this.config = config;
    this.limiter = limiter;
    this.views = new Views(config.timeZone());
    MonitorViews monitorViews = new MonitorViews(views);
    this.params = new SiteParams(flows);
    this.staffLogin = staffLogin;
    this.publicRoutes = new PublicRoutes(config, flows, dispatcher, events, limiter, city, views, monitorViews);
    this.bookingRoutes = new BookingRoutes(dispatcher, bookings, new io.vaxflow.dispatch.Standby(config, flows), limiter,
        io.vaxflow.security.PeerProof.fromVoucherSecret(config.voucherSecret()));
    this.kiosk = new KioskRoutes(checkin, views, links, config);
    this.phone = new PhoneRoutes(links, views, config, limiter);
    this.stations = new StationRoutes(views);
    this.manager = new ManagerRoutes(views, monitorViews, siteMetrics, events, new io.vaxflow.monitor.DoseFigures(config.timeZone()),
        new EventsCsv.Turns());
    this.plan = new PlanRoutes(plans);
    this.devices = new DeviceRoutes(devices, limiter, views);
    this.immunizations = immunizations;
    this.stock = new StockRoutes(stock, config, views);
  }

  /** Mounts every API route on {@code routes}; their path parameters are checked before their rule. */
  public void mount(Routes routes) {
    Routes api = routes.withParams(params::check);
    publicRoutes.mount(api);
    bookingRoutes.mount(api);
    kiosk.mount(api);
    phone.mount(api);
    new AuthRoutes(config, staffLogin, limiter, views, routes::specs).mount(api);
    stations.mount(api);
    new ObservationRoutes(views).mount(api);
    manager.mount(api);
    plan.mount(api);
    devices.mount(api);
    immunizations.mount(api, routes, limiter);
    stock.mount(api);
  }
}
