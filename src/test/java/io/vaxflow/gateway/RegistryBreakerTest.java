package io.vaxflow.gateway;

import io.vaxflow.support.Ids;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.appointment.AppointmentRegistry;
import io.vaxflow.store.Scripts;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The fuse around the appointment registry, with a real registry we control: the server's own
 * {@link AppointmentRegistry} (on the city's Redis) behind a small HTTP proxy in this test that can
 * be made slow (2 s per answer) or stopped (its port closed: connection refused). The city asks
 * the proxy with an 800 ms timeout (a cold JVM's first call through the proxy once took over 200 ms on a loaded
 * machine, and the healthy check-in came out offline), a breaker of 3 failures and a 1 s reset.
 *
 * <p>Shown for both faults: while the registry answers, check-ins are verified online and the
 * breaker is CLOSED; after exactly 3 failed calls it is OPEN; signed vouchers check in through the
 * offline path (ticket {@code verified: offline}) well within the registry's delay; a short code
 * (not signed) gets 503 UNAVAILABLE; a voucher cannot be used twice; once the registry is back, a
 * half-open probe succeeds and the breaker is CLOSED again.
 */
class RegistryBreakerTest {

  private static final String CHECKINS = "/api/v1/sites/" + SITE + "/checkins";
  private static final long SLOW_MS = 2_000;
  /** Well under {@link #SLOW_MS}, well over what a healthy answer takes on a loaded 2-core machine. */
  private static final int TIMEOUT_MS = 800;
  private static final int FAILURES = 3;
  private static final int RESET_MS = 1_000;

  /** The registry as the city sees it: forwards appointment lookups to the real one, or does not. */
  static final class RegistryProxy {
    final Vertx vertx;
    final WebClient upstream;
    final AtomicInteger hits = new AtomicInteger();
    volatile int upstreamPort;
    volatile long delayMs;
    HttpServer server;
    int port;

    RegistryProxy(Vertx vertx) {
      this.vertx = vertx;
      this.upstream = WebClient.create(vertx);
    }

    void listen(int onPort) {
      server = vertx.createHttpServer().requestHandler(this::handle);
      port = server.listen(onPort, "127.0.0.1").await().actualPort();
    }

    /** Stopped: the port is closed, a connection is refused. */
    void stop() {
      server.close().await();
    }

    private void handle(HttpServerRequest req) {
      hits.incrementAndGet();
      if (!req.path().startsWith("/registry/v1/appointments/")) {
        req.response().setStatusCode(404).end();
        return;
      }
      Runnable forward = () -> upstream.get(upstreamPort, "127.0.0.1", req.uri()).send().onComplete(ar -> {
        if (ar.failed()) {
          req.response().setStatusCode(502).end();
          return;
        }
        req.response().setStatusCode(ar.result().statusCode())
            .putHeader("Content-Type", String.valueOf(ar.result().getHeader("Content-Type")))
            .end(ar.result().bodyAsBuffer() == null ? io.vertx.core.buffer.Buffer.buffer() : ar.result().bodyAsBuffer());
      });
      long delay = delayMs;
      if (delay > 0) vertx.setTimer(delay, id -> forward.run());
      else forward.run();
    }
  }

  /** A fault of the registry and its repair. */
  interface Fault {
    void inject(RegistryProxy proxy);

    void repair(RegistryProxy proxy);
  }

  @Test
  void aSlowRegistryOpensTheBreakerAndCheckInGoesOffline() {
    scenario("slow", new Fault() {
      public void inject(RegistryProxy p) {
        p.delayMs = SLOW_MS;
      }

      public void repair(RegistryProxy p) {
        p.delayMs = 0;
      }
    }, true);
  }

  @Test
  void aStoppedRegistryOpensTheBreakerAndCheckInGoesOffline() {
    scenario("stopped", new Fault() {
      public void inject(RegistryProxy p) {
        p.stop();
      }

      public void repair(RegistryProxy p) {
        p.listen(p.port); // the same address again
      }
    }, false);
  }

  private void scenario(String label, Fault fault, boolean reachesProxy) {
    Vertx side = Vertx.vertx();
    RegistryProxy proxy = new RegistryProxy(side);
    proxy.listen(0);
    try (TestCity city = TestCity.start(Map.of(
        "VAXFLOW_REGISTRY_URL", "http://127.0.0.1:" + proxy.port,
        "VAXFLOW_REGISTRY_TIMEOUTMS", String.valueOf(TIMEOUT_MS),
        "VAXFLOW_REGISTRY_BREAKERFAILURES", String.valueOf(FAILURES),
        "VAXFLOW_REGISTRY_BREAKERRESETMS", String.valueOf(RESET_MS)))) {
      // the real registry, on the city's data
      AppointmentRegistry registry = new AppointmentRegistry(city.config,
          new Scripts(Redis.createClient(side, city.redis.url()), 800), "127.0.0.1", 0);
      side.deployVerticle(registry).await();
      proxy.upstreamPort = registry.port();

      List<JsonObject> bookings = new ArrayList<>();
      for (int i = 0; i < 10; i++) bookings.add(city.book(SITE, "Sun Li", Ids.resident(13, i), null));
      List<Long> offlineMs = new ArrayList<>();

      // 1. healthy: verified online, breaker closed
      assertBreaker(city, "CLOSED");
      JsonObject online = checkIn(city, bookings.get(0).getString("voucher"), 201).getJsonObject("ticket");
      assertEquals("appt", online.getString("verified"), "verified by the registry: " + online);
      JsonObject byCode = checkIn(city, bookings.get(1).getString("code"), 201).getJsonObject("ticket");
      assertEquals("appt", byCode.getString("verified"), "a short code is looked up online: " + byCode);
      assertEquals(2, proxy.hits.get(), "the registry was asked twice");

      // 2. the fault: each failed call still checks the signed voucher in, offline
      fault.inject(proxy);
      int hitsBefore = proxy.hits.get();
      List<String> offlineNumbers = new ArrayList<>();
      for (int i = 1; i <= FAILURES; i++) {
        long t0 = System.nanoTime();
        JsonObject t = checkIn(city, bookings.get(1 + i).getString("voucher"), 201).getJsonObject("ticket");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        offlineMs.add(ms);
        assertEquals("offline", t.getString("verified"), "checked offline while the registry fails: " + t);
        assertTrue(ms < SLOW_MS, "check-in took " + ms + " ms, not less than the registry's " + SLOW_MS + " ms");
        offlineNumbers.add(t.getString("number"));
        JsonObject reg = health(city);
        if (i < FAILURES) {
          assertEquals("CLOSED", reg.getString("breaker"), "after " + i + " failure(s): " + reg);
          assertEquals(i, reg.getLong("failures").intValue(), reg.encode());
        } else {
          assertEquals("OPEN", reg.getString("breaker"), "after " + FAILURES + " failures the breaker is open: " + reg);
          assertEquals("DEGRADED", reg.getString("status"));
        }
      }
      assertEquals(reachesProxy ? FAILURES : 0, proxy.hits.get() - hitsBefore,
          "the registry's end saw exactly the failed calls");

      // 3. open: signed vouchers fast through the offline path; short codes cannot be checked; no reuse
      for (int i = 5; i <= 7; i++) {
        long t0 = System.nanoTime();
        JsonObject t = checkIn(city, bookings.get(i).getString("voucher"), 201).getJsonObject("ticket");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        offlineMs.add(ms);
        assertEquals("offline", t.getString("verified"), t.encode());
        assertTrue(ms < SLOW_MS, "check-in with the breaker open took " + ms + " ms");
        offlineNumbers.add(t.getString("number"));
      }
      Reply code = city.post(CHECKINS, new JsonObject().put("voucher", bookings.get(8).getString("code")));
      assertEquals(503, code.status(), "a short code while the registry is away: " + code.body());
      assertEquals("UNAVAILABLE", code.errorCode());
      assertNotNull(code.headers().get("Retry-After"), "503 with Retry-After");
      Reply again = city.post(CHECKINS, new JsonObject().put("voucher", bookings.get(2).getString("voucher")));
      assertEquals(422, again.status(), "a voucher used offline, again: " + again.body());
      assertEquals("ALREADY_CHECKED_IN", again.errorCode());
      assertEquals(offlineNumbers.get(0), again.json().getJsonObject("error").getString("number"));
      Reply onlineAgain = city.post(CHECKINS, new JsonObject().put("voucher", bookings.get(0).getString("voucher")));
      assertEquals(422, onlineAgain.status(), "a voucher used online, again offline: " + onlineAgain.body());
      assertEquals("ALREADY_CHECKED_IN", onlineAgain.errorCode());
      assertEquals(online.getString("number"), onlineAgain.json().getJsonObject("error").getString("number"));
      for (String n : offlineNumbers) {
        Reply t = city.get("/api/v1/sites/" + SITE + "/tickets/" + n);
        assertEquals(200, t.status(), n + ": " + t.body());
        assertEquals("offline", t.json().getString("verified"), "the ticket stays marked offline: " + t.body());
      }

      // 4. the registry is back: after the reset time one probe goes through (half-open) and closes the breaker
      fault.repair(proxy);
      long repaired = System.nanoTime();
      String state = "";
      while (System.nanoTime() - repaired < 10_000_000_000L) {
        state = health(city).getString("breaker");
        if (state.equals("HALF_OPEN")) break;
        FlowKit.sleep(50);
      }
      long halfOpenMs = (System.nanoTime() - repaired) / 1_000_000;
      assertEquals("HALF_OPEN", state, "the breaker lets a probe through after its reset time");
      int hitsBeforeProbe = proxy.hits.get();
      JsonObject probe = checkIn(city, bookings.get(8).getString("code"), 201).getJsonObject("ticket");
      assertEquals("appt", probe.getString("verified"), "the probe is an online check-in: " + probe);
      assertEquals(hitsBeforeProbe + 1, proxy.hits.get(), "one probe reached the registry");
      JsonObject reg = health(city);
      assertEquals("CLOSED", reg.getString("breaker"), "the probe succeeded: " + reg);
      assertEquals("UP", reg.getString("status"));
      JsonObject after = checkIn(city, bookings.get(9).getString("voucher"), 201).getJsonObject("ticket");
      assertEquals("appt", after.getString("verified"), "signed vouchers are verified online again: " + after);

      System.out.printf("RegistryBreakerTest %s: offline check-ins took %s ms (registry %s; its slow answers take %d ms, the timeout is %d ms); "
          + "HALF_OPEN %d ms after the repair%n", label, offlineMs, label, SLOW_MS, TIMEOUT_MS, halfOpenMs);
    } finally {
      side.close().await();
    }
  }

  // ---- helpers ----

  private static JsonObject checkIn(TestCity city, String voucher, int status) {
    Reply r = city.post(CHECKINS, new JsonObject().put("voucher", voucher));
    assertEquals(status, r.status(), "check-in with " + voucher + ": " + r.body());
    return r.json();
  }

  /** The registry's entry of /health: breaker, failures, status. */
  private static JsonObject health(TestCity city) {
    Reply h = city.get("/health");
    assertEquals(200, h.status(), "the server stays UP while the registry is away: " + h.body());
    return h.json().getJsonObject("checks").getJsonObject("registry");
  }

  private static void assertBreaker(TestCity city, String state) {
    assertEquals(state, health(city).getString("breaker"));
  }
}
