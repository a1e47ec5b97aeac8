package io.vaxflow.simulate;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.StationResult;
import io.vaxflow.stock.Stock;
import io.vaxflow.announce.Addresses;
import io.vaxflow.checkin.Checkin;
import io.vaxflow.config.RateClock;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.dispatch.Bookings;
import io.vaxflow.dispatch.Dispatcher;
import io.vaxflow.security.IdDocument;
import io.vaxflow.flow.Actor;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.StationAction;
import io.vaxflow.flow.StationId;
import io.vaxflow.flow.StationKind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Synthetic patients and staff for a demo ({@code --simulate}): people book and check in (or walk
 * in) at each site while it is open, along an arrival curve with a morning peak that nearly fills
 * the site's simulated stations, the door lets in
 * whoever is called to the room, and every desk and booth except desk-1 and booth-1 (left for a
 * person with a tablet) calls, starts and finishes patients with random service times. Arrivals
 * and service times are in the server's (domain) time, so with {@code CLOCK_RATE} a whole day
 * plays in minutes. It uses the same API objects as real users, so displays and dashboards show
 * exactly what they would on a real day. A simulated vaccinator opens a vial when the booth has none it can use.
 */
public final class Simulator extends VerticleBase {

  private static final Actor STAFF = Actor.of("simulator");

  private final Map<String, SiteFlow> flows;
  private final Checkin checkin;
  private final Bookings bookings;
  private final Stock stock;
  private final Random random = new Random();
  private final AtomicLong people = new AtomicLong(System.currentTimeMillis() % 1_000_000);
  /** How much faster than real time the server clock runs ({@code CLOCK_RATE}). */
  private final double rate;

  public Simulator(Map<String, SiteFlow> flows, Checkin checkin, Bookings bookings, Stock stock, double rate) {
    this.rate = rate;
    this.stock = stock;
    this.flows = flows;
    this.checkin = checkin;
    this.bookings = bookings;
  }

  @Override
  public Future<?> start() {
    for (SiteFlow flow : flows.values()) {
      String site = flow.site().id();
      nextArrival(flow);
      vertx.setPeriodic(Math.max(50, RateClock.realMs(3_000, rate)), id -> stationsWork(flow));
      vertx.eventBus().<JsonObject>consumer(Addresses.calls(site), msg -> onCall(flow, msg.body()));
    }
    return Future.succeededFuture();
  }

  /**
   * The share of a site's capacity that arrives per hour at local time {@code hour} (fractional):
   * a morning peak around 9:30 that nearly fills it, a smaller one after lunch, a third otherwise.
   */
  static double load(double hour) {
    return Math.min(PEAK_LOAD, 0.3 + 0.6 * Math.exp(-Math.pow((hour - 9.5) / 1.2, 2))
        + 0.3 * Math.exp(-Math.pow((hour - 14.5) / 1.0, 2)));
  }

  private static final double PEAK_LOAD = 0.95;

  /** People per hour the simulated stations serve: the slower of its desks and booths (station 1 of each is left to a person). */
  static double capacityPerHour(SiteConfig site) {
    return Math.min(Math.max(1, site.desks() - 1) * 3600 / DESK_SEC, Math.max(1, site.booths() - 1) * 3600 / BOOTH_SEC);
  }

  private static final double DESK_SEC = 150;
  private static final double BOOTH_SEC = 210;

  /** The next arrival at a site: a Poisson process along {@link #load} of its capacity, thinned in the server's time. */
  private void nextArrival(SiteFlow flow) {
    double max = PEAK_LOAD * capacityPerHour(flow.site());
    long gapMs = (long) (-Math.log(1 - random.nextDouble()) * 3_600_000 / max);
    vertx.setTimer(RateClock.realMs(gapMs, rate), id -> {
      java.time.LocalTime local = java.time.LocalTime.ofInstant(flow.now(), flow.site().hours().zone());
      if (random.nextDouble() < load(local.toSecondOfDay() / 3600.0) / PEAK_LOAD) arrive(flow);
      nextArrival(flow);
    });
  }

  private void arrive(SiteFlow flow) {
    SiteConfig site = flow.site();
    if (!site.hours().isOpen(flow.now())) return; // nobody comes to a closed site; those inside are still served
    long n = people.incrementAndGet();
    String name = NAMES[random.nextInt(NAMES.length)];
    // a resident ID that passes the checks (born 1950-1999, Shanghai) and a phone of their own
    String first17 = String.format("310101%04d%02d%02d%03d", 1950 + (int) (n % 50), 1 + (int) (n / 50 % 12), 1 + (int) (n / 600 % 28), n % 1000);
    String idNumber = first17 + IdDocument.checkDigit(first17);
    String phone = String.format("139%08d", n % 100_000_000);
    if (site.walkIns() && random.nextBoolean()) {
      checkin.checkIn(flow, new Checkin.WalkIn(name, idNumber, 1 + random.nextInt(3)), Optional.empty(), "simulator");
      return;
    }
    Optional<Dispatcher.Priority> priority = random.nextInt(6) == 0
        ? Optional.of(Dispatcher.Priority.values()[random.nextInt(3)]) : Optional.empty();
    // the simulator's people prove their phones in its own process (Proof.PEER); the city's claim is taken as for anyone
    bookings.book(new Dispatcher.Booking(name, idNumber, phone, 1 + random.nextInt(3), flow.today(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(site.id()), priority), Bookings.Proof.PEER)
        .compose(a -> checkin.checkIn(flow, new Checkin.WithVoucher(a.voucher()), Optional.empty(), "simulator"));
  }

  /** Idle simulated stations call the next patient. */
  private void stationsWork(SiteFlow flow) {
    for (StationId s : StationId.all(flow.site())) {
      if (s.kind() == StationKind.DOOR || s.number() == 1) continue;
      if (random.nextInt(2) == 0) flow.act(s, StationAction.NEXT, STAFF);
    }
  }

  /** The door scans people called to the room; simulated stations start and finish their patients. */
  private void onCall(SiteFlow flow, JsonObject call) {
    if (call.getInteger("repeat", 1) != 1) return;
    String number = call.getString("number");
    JsonObject to = call.getJsonObject("to");
    String kind = to.getString("kind");
    if ("room".equals(kind)) {
      later(20, 90, () -> flow.doorScan(number, STAFF));
      return;
    }
    if (!"desk".equals(kind) && !"booth".equals(kind)) return;
    Optional<StationId> station = StationId.parse(to.getString("id"), flow.site());
    if (station.isEmpty() || station.get().number() == 1) return;
    double meanSec = "desk".equals(kind) ? DESK_SEC : BOOTH_SEC; // random service times: gamma, shape 4
    later(10, 40, () -> flow.act(station.get(), StationAction.START, STAFF)
        .onSuccess(r -> after(gammaSec(meanSec), () -> finish(flow, station.get()))));
  }

  /**
   * A simulated station finishes its patient; a booth without a usable vial has its vaccinator open one first (of the
   * lot that expires soonest with sealed vials left) and then give the shot; in the site's last hour, when it may not
   * open one, it gives the patient back to the queue.
   */
  private Future<StationResult> finish(SiteFlow flow, StationId station) {
    return flow.act(station, StationAction.DONE, STAFF).recover(err -> {
      if (!(err instanceof Rejection r) || !VIAL_NEEDED.contains(r.code())) return Future.failedFuture(err);
      return stock.view(flow).compose(v -> v.lots().stream().filter(l -> !l.expired() && l.vials() > 0).findFirst()
              .map(l -> stock.openVial(flow, station, l.lot(), null, STAFF))
              .orElseGet(() -> Future.failedFuture(err)))
          .compose(opened -> flow.act(station, StationAction.DONE, STAFF))
          // the site's last hour (lastHour): no new vial for too few waiting; the patient goes back to the queue, for a
          // booth with a vial still open (or one opened once enough wait)
          .recover(refused -> refused instanceof Rejection s && s.is(ErrorCode.STOP_OPENING)
              ? flow.act(station, StationAction.RETURN, STAFF) : Future.failedFuture(refused));
    });
  }

  private static final java.util.Set<String> VIAL_NEEDED =
      java.util.Set.of(ErrorCode.NO_OPEN_VIAL.code(), ErrorCode.VIAL_EXPIRED.code(), ErrorCode.LOT_EXPIRED.code());

  private double gammaSec(double mean) {
    double sum = 0;
    for (int i = 0; i < 4; i++) sum += -Math.log(1 - random.nextDouble()) * mean / 4;
    return sum;
  }

  /** After {@code fromSec} to {@code toSec} seconds of the server's time. */
  private void later(int fromSec, int toSec, Runnable action) {
    after(fromSec + random.nextInt(toSec - fromSec + 1), action);
  }

  private void after(double sec, Runnable action) {
    vertx.setTimer(RateClock.realMs((long) (sec * 1000), rate), id -> action.run());
  }

  private static final String[] NAMES = {
      "王芳", "李伟", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴霞",
      "Anna Müller", "James Lee", "Maria Garcia", "Tom Chen", "Yuki Tanaka"};
}
