package io.vaxflow.simulate;

import io.vaxflow.announce.Addresses;
import io.vaxflow.checkin.Checkin;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.dispatch.Dispatcher;
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
 * in) every few seconds at each site while it is open, the door lets in whoever is called to the room, and every
 * desk and booth except desk-1 and booth-1 (left for a person with a tablet) calls, starts and
 * finishes patients. It uses the same API objects as real users, so displays and dashboards show
 * exactly what they would on a real day.
 */
public final class Simulator extends VerticleBase {

  private static final String STAFF = "simulator";

  private final Map<String, SiteFlow> flows;
  private final Checkin checkin;
  private final Dispatcher dispatcher;
  private final Random random = new Random();
  private final AtomicLong people = new AtomicLong(System.currentTimeMillis() % 1_000_000);

  public Simulator(Map<String, SiteFlow> flows, Checkin checkin, Dispatcher dispatcher) {
    this.flows = flows;
    this.checkin = checkin;
    this.dispatcher = dispatcher;
  }

  @Override
  public Future<?> start() {
    for (SiteFlow flow : flows.values()) {
      String site = flow.site().id();
      vertx.setPeriodic(2_000 + random.nextInt(1_000), id -> { if (random.nextInt(3) == 0) arrive(flow); });
      vertx.setPeriodic(3_000, id -> stationsWork(flow));
      vertx.eventBus().<JsonObject>consumer(Addresses.calls(site), msg -> onCall(flow, msg.body()));
    }
    return Future.succeededFuture();
  }

  private void arrive(SiteFlow flow) {
    SiteConfig site = flow.site();
    if (!site.hours().isOpen(flow.now())) return; // nobody comes to a closed site; those inside are still served
    long n = people.incrementAndGet();
    String name = NAMES[random.nextInt(NAMES.length)];
    String idNumber = "SIM" + String.format("%012d", n);
    if (site.walkIns() && random.nextBoolean()) {
      checkin.checkIn(flow, new Checkin.WalkIn(name, idNumber, 1 + random.nextInt(3)), Optional.empty(), "simulator");
      return;
    }
    Optional<Dispatcher.Priority> priority = random.nextInt(6) == 0
        ? Optional.of(Dispatcher.Priority.values()[random.nextInt(3)]) : Optional.empty();
    dispatcher.book(new Dispatcher.Booking(name, idNumber, "13800000000", 1 + random.nextInt(3), flow.today(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(site.id()), priority))
        .compose(a -> checkin.checkIn(flow, new Checkin.WithVoucher(a.voucher()), Optional.empty(), "simulator"));
  }

  /** Idle simulated stations call the next patient. */
  private void stationsWork(SiteFlow flow) {
    for (StationId s : StationId.all(flow.site())) {
      if (s.kind() == StationKind.DOOR || s.number() == 1) continue;
      if (random.nextInt(2) == 0) flow.callNext(s, STAFF);
    }
  }

  /** The door scans people called to the room; simulated stations start and finish their patients. */
  private void onCall(SiteFlow flow, JsonObject call) {
    if (call.getInteger("repeat", 1) != 1) return;
    String number = call.getString("number");
    JsonObject to = call.getJsonObject("to");
    String kind = to.getString("kind");
    if ("room".equals(kind)) {
      later(4, 12, () -> flow.doorScan(number, STAFF));
      return;
    }
    if (!"desk".equals(kind) && !"booth".equals(kind)) return;
    Optional<StationId> station = StationId.parse(to.getString("id"), flow.site());
    if (station.isEmpty() || station.get().number() == 1) return;
    int service = "desk".equals(kind) ? 20 : 30;
    later(3, 8, () -> flow.act(station.get(), StationAction.START, STAFF)
        .onSuccess(r -> later(service, service * 2, () -> flow.act(station.get(), StationAction.DONE, STAFF))));
  }

  private void later(int fromSec, int toSec, Runnable action) {
    vertx.setTimer(1_000L * (fromSec + random.nextInt(toSec - fromSec + 1)), id -> action.run());
  }

  private static final String[] NAMES = {
      "王芳", "李伟", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴霞",
      "Anna Müller", "James Lee", "Maria Garcia", "Tom Chen", "Yuki Tanaka"};
}
