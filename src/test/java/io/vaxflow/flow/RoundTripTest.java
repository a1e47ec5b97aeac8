package io.vaxflow.flow;

import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.flow.RedisMonitor.Measurement;
import io.vaxflow.flow.RedisMonitor.Seen;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One Redis round trip per check-in and per call-next. EVALSHA calls are read from INFO
 * commandstats (a script cannot run EVALSHA itself, so those are all sent by clients); every
 * other command a client sends is read from MONITOR, because commandstats also counts the
 * commands the scripts run inside Redis.
 *
 * <p>Two live feeds run beside the requests and are not part of them: the stream tail's
 * XREAD BLOCK (its own connection) and the announcer's coalesced state snapshot (an EVALSHA as
 * "public" with every station id). MONITOR identifies both; the snapshot's EVALSHA calls are
 * subtracted from the commandstats figure. The timer sweep also runs EVALSHA (as "system"); it is
 * set to its slowest (once a minute, the most the config allows) and each window is checked to
 * contain no sweep. Calls are said once here (announce.repeats 1): the announcer's scheduling and
 * claiming of repeat sayings is a live feed of its own, like the sweep.
 *
 * <p>A voucher check-in also asks the appointment registry, a separate service (remote in
 * production); the built-in stand-in reads the appointment from the same Redis. Those reads are
 * the registry's, not the check-in's: they are counted apart and bounded by one per voucher.
 * Before the registry is asked, the kiosk's rate-limit tokens are taken (one EVALSHA as
 * "gateway"), so a flood of forged codes never reaches the registry unthrottled: a voucher
 * check-in is two round trips, a walk-in one. The check-ins come from an enrolled kiosk of the
 * site (elsewhere than the server's computer, through the trusted proxy): whether it is still
 * enrolled is read by those same scripts, in the same round trips.
 */
class RoundTripTest {

  private static final int N = 200;
  private static final int DESKS = 20;
  private static TestCity city;
  private static RedisMonitor monitor;
  private static io.vaxflow.support.DeviceKit.Device kiosk;

  @BeforeAll
  static void start() throws Exception {
    city = TestCity.start(Map.of(
        "VAXFLOW_FLOW_TICKMS", "60000",
        // a call's repeats are scheduled (ZADD) and said (say.lua) by the announcer, after the request: one saying
        "VAXFLOW_ANNOUNCE_REPEATS", "1",
        "VAXFLOW_SITES_PUDONG_DESKS", String.valueOf(DESKS),
        "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "1000",
        "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "1000"));
    monitor = new RedisMonitor(city);
    kiosk = io.vaxflow.support.DeviceKit.enrol(city, city.login("manager", "2468"), SITE, "kiosk", "Round-trip kiosk", "198.51.100.90");
  }

  @AfterAll
  static void stop() throws Exception {
    monitor.close();
    city.close();
  }

  /** Client commands of a window, without the scripts' own and the live feeds'. */
  private static List<Seen> sent(List<Seen> window) {
    List<Seen> out = new ArrayList<>();
    for (Seen s : window) {
      if (s.fromScript() || s.streamTail() || s.statePublisher()) continue;
      assertTrue(!s.evalshaActor().equals("system"), "a timer sweep ran inside the measurement window");
      out.add(s);
    }
    return out;
  }

  /** EVALSHA calls in commandstats that the requests made: all, less the state publisher's. */
  private static long requestEvalsha(Measurement m) {
    return m.evalshaCalls() - m.window().stream().filter(Seen::statePublisher).count();
  }

  private static Map<String, Integer> byName(List<Seen> sent) {
    Map<String, Integer> m = new TreeMap<>();
    sent.forEach(s -> m.merge(s.name(), 1, Integer::sum));
    return m;
  }

  @Test
  void oneRoundTripPerWalkInAndTwoPerVoucher() {
    // Half with vouchers (booked beforehand), half walk-ins; one of each first to warm up.
    List<String> vouchers = new ArrayList<>();
    for (int i = 0; i <= N / 2; i++) {
      vouchers.add(city.book(SITE, FlowKit.name("Voucher", i), FlowKit.idNumber(4, i), i % 5 == 0 ? "disabled" : null)
          .getString("voucher"));
    }
    checkIn(new JsonObject().put("voucher", vouchers.remove(0)));
    city.walkIn(SITE, "Warm Up", FlowKit.idNumber(5, 9999));

    Measurement m = monitor.measure(() -> {
      for (int i = 0; i < N; i++) {
        if (i % 2 == 0) {
          checkIn(new JsonObject().put("voucher", vouchers.get(i / 2)));
        } else {
          checkIn(new JsonObject().put("walkIn", new JsonObject().put("name", FlowKit.name("Walk", i))
              .put("idNumber", FlowKit.idNumber(5, i)).put("dose", 1)));
        }
      }
    });
    List<Seen> window = m.window();
    List<Seen> sent = sent(window).stream().filter(s -> !s.registryLookup()).toList();
    long registry = window.stream().filter(Seen::registryLookup).count();
    assertEquals(N + N / 2, requestEvalsha(m), "EVALSHA calls (INFO commandstats) for " + N + " check-ins");
    assertEquals(Map.of("evalsha", N + N / 2), byName(sent), "commands sent to Redis for " + N + " check-ins");
    assertTrue(registry <= N / 2, "registry lookups for " + N / 2 + " vouchers: " + registry);
    assertEquals(N, sent.stream().filter(s -> s.evalshaActor().equals("kiosk")).count(), "one check-in script per check-in");
    assertEquals(N / 2, sent.stream().filter(s -> s.evalshaActor().equals("gateway")).count(),
        "one rate-limit script per voucher, before the registry");
    assertTrue(window.stream().anyMatch(Seen::fromScript), "MONITOR shows the scripts' own commands (sanity)");
  }

  @Test
  void oneRoundTripPerCallNext() {
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      numbers.add(city.walkIn(SITE, FlowKit.name("Next", i), FlowKit.idNumber(6, i)).getString("number"));
    }
    for (String n : numbers) ok(FlowKit.scan(city, door, n), "scan " + n);

    long evalsha = 0;
    List<Seen> sent = new ArrayList<>();
    int calls = 0;
    while (calls < N) {
      List<String> round = new ArrayList<>();
      for (int d = 1; d <= DESKS && calls + round.size() < N; d++) round.add("desk-" + d);
      Measurement m = monitor.measure(() -> {
        for (String st : round) {
          JsonObject r = ok(FlowKit.next(city, desk, st), "next at " + st);
          assertEquals("called", r.getJsonObject("ticket").getString("state"));
        }
      });
      calls += round.size();
      evalsha += requestEvalsha(m);
      sent.addAll(sent(m.window()));
      for (String st : round) ok(FlowKit.act(city, desk, st, "done"), "done at " + st);
    }
    assertEquals(N, evalsha, "EVALSHA calls (INFO commandstats) for " + N + " call-nexts");
    List<Seen> evals = sent.stream().filter(s -> s.name().equals("evalsha")).toList();
    assertEquals(N, evals.size());
    assertTrue(evals.stream().allMatch(s -> s.evalshaActor().equals("desk")), "every EVALSHA is a desk's call-next");
    List<Seen> others = sent.stream().filter(s -> !s.name().equals("evalsha")).toList();
    assertTrue(others.size() <= 5, "other commands for " + N + " call-nexts: " + byName(others));
    Reply empty = FlowKit.next(city, desk, "desk-1");
    assertEquals(204, empty.status(), empty.body());
  }

  private static void checkIn(JsonObject body) {
    Reply r = city.send(io.vertx.core.http.HttpMethod.POST, API + "/checkins", kiosk.cookie(), kiosk.headers(), body.toBuffer());
    assertEquals(201, r.status(), r.body());
  }
}
