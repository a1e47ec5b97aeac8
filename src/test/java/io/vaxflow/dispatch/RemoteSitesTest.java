package io.vaxflow.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.RedisLauncher;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Two servers, each running its own sites: B runs pudong, A runs xuhui and jingan and is the
 * city's dispatcher, listing pudong as remote (B's base URL). Bookings for pudong made through A
 * reach B; B stopped, pudong is left out and bookings go elsewhere; B back, pudong is taken back.
 */
public class RemoteSitesTest {

  private static final int POLL_MS = 300;

  @Test
  void aRemoteSiteIsBookedThroughItsServerLeftOutWhileDownAndTakenBack() throws IOException {
    Path dir = Files.createTempDirectory("vaxflow-remote");
    Path configB = dir.resolve("server-b.yaml");
    writeOnlySites(Path.of("config/vaxflow.yaml"), configB, List.of("pudong"));
    RedisLauncher redisB = RedisLauncher.start(dir.resolve("redis-b"));
    TestCity b = TestCity.on(redisB, configB, Map.of());
    int portB = b.port();
    String baseB = "http://127.0.0.1:" + portB;
    TestCity a = null;
    try {
      a = startWithRemotePudong(baseB, POLL_MS);
      assertEquals(List.of("xuhui", "jingan"), a.config.sites().stream().map(s -> s.id()).toList());
      assertEquals(List.of("pudong"), b.config.sites().stream().map(s -> s.id()).toList());
      awaitHealth(a, "up");
      JsonObject shown = remote(a);
      assertEquals(baseB, shown.getString("server"), shown.encode());
      assertTrue(shown.containsKey("load"), shown.encode());

      // a booking for pudong through A is made at B, and its voucher checks in at B's kiosk
      JsonObject booked = book(a, new JsonObject().put("siteId", "pudong"), "310101199001010119", 201);
      assertEquals("pudong", booked.getString("siteId"));
      assertEquals(201, b.post("/api/v1/sites/pudong/checkins",
          new JsonObject().put("voucher", booked.getString("voucher"))).status());
      // nearest to Century Park is pudong: A sends people there while B answers
      JsonObject near = book(a, new JsonObject().put("community", "Century Park"), "310101199001010127", 201);
      assertEquals("pudong", near.getString("siteId"), near.encode());
      // its person looks it up and cancels it through A (with the code of their phone there): B gives it up
      JsonObject who = new JsonObject().put("idNumber", "310101199001010127").put("phone", "13800138000");
      JsonObject found = a.withCode("/api/v1/bookings/lookup", who).json().getJsonArray("bookings").getJsonObject(0);
      assertEquals(near.getString("appointmentId"), found.getString("appointmentId"));
      assertEquals("pudong", found.getString("siteId"));
      TestCity.Reply cancelled = a.withCode("/api/v1/bookings/cancel", who.copy().put("dose", 1));
      assertEquals(200, cancelled.status(), cancelled.body());
      assertEquals(0, b.redis(io.vertx.redis.client.Command.EXISTS, "vf:{pudong}:appt:" + near.getString("appointmentId")).toInteger());
      // A has no kiosk of its own for pudong: its pages are at B
      var page = a.http.get("/sites/pudong/kiosk?lang=en").followRedirects(false).send().await();
      assertEquals(302, page.statusCode());
      assertEquals(baseB + "/sites/pudong/kiosk?lang=en", page.getHeader("Location"));

      // B stops: pudong is left out within a poll interval, and bookings carry on elsewhere
      b.close();
      long stopped = System.nanoTime();
      awaitHealth(a, "down");
      System.out.printf("remote site left out %d ms after its server stopped (poll every %d ms)%n",
          (System.nanoTime() - stopped) / 1_000_000, POLL_MS);
      JsonObject elsewhere = book(a, new JsonObject().put("community", "Century Park"), "310101199001010135", 201);
      assertNotEquals("pudong", elsewhere.getString("siteId"), elsewhere.encode());
      JsonObject refused = book(a, new JsonObject().put("siteId", "pudong"), "310101199001010143", 503);
      assertEquals("UNAVAILABLE", refused.getJsonObject("error").getString("code"), refused.encode());

      // B back on the same Redis and port: pudong is taken back
      b = TestCity.on(redisB, configB, Map.of("HTTP_PORT", String.valueOf(portB)));
      long restarted = System.nanoTime();
      awaitHealth(a, "up");
      System.out.printf("remote site taken back %d ms after its server restarted%n", (System.nanoTime() - restarted) / 1_000_000);
      JsonObject back = book(a, new JsonObject().put("community", "Century Park"), "310101199001010151", 201);
      assertEquals("pudong", back.getString("siteId"), back.encode());
      assertEquals(201, b.post("/api/v1/sites/pudong/checkins",
          new JsonObject().put("voucher", back.getString("voucher"))).status());
    } finally {
      if (a != null) a.close();
      b.close();
      redisB.stop();
      TestCity.deleteTree(dir);
    }
  }

  private static JsonObject book(TestCity city, JsonObject where, String idNumber, int status) {
    TestCity.Reply r = city.booking(where.put("name", "Zhang Wei").put("idNumber", idNumber)
        .put("phone", "13800138000").put("dose", 1).put("day", TestCity.TODAY));
    assertEquals(status, r.status(), r.body());
    return r.json();
  }

  private static JsonObject remote(TestCity a) {
    return a.get("/api/v1/city").json().getJsonArray("remoteSites").getJsonObject(0);
  }

  /** Waits (bounded) until A's /city shows pudong with that health. */
  private static void awaitHealth(TestCity a, String health) {
    for (int i = 0; i < 200; i++) {
      if (health.equals(remote(a).getString("health"))) return;
      FlowKit.sleep(50);
    }
    throw new AssertionError("pudong never became " + health + ": " + remote(a).encode());
  }

  /**
   * Server A: the demo city, with pudong run by the server at {@code baseB}, polled every
   * {@code pollMs}; its breaker opens after two failures (a stopped server refuses at once; a slow answer
   * on a loaded test machine gets 3 s) and is probed again after 500 ms.
   */
  public static TestCity startWithRemotePudong(String baseB, int pollMs) {
    return TestCity.start(Map.of(
        "VAXFLOW_SITES_PUDONG_REMOTE", baseB,
        "VAXFLOW_REMOTE_POLLMS", String.valueOf(pollMs),
        "VAXFLOW_REMOTE_TIMEOUTMS", "3000",
        "VAXFLOW_REMOTE_BREAKERFAILURES", "2",
        "VAXFLOW_REMOTE_BREAKERRESETMS", "500"));
  }

  /** The config file with only the named sites (the same staff, limits and the rest). */
  @SuppressWarnings("unchecked")
  public static void writeOnlySites(Path from, Path to, List<String> ids) throws IOException {
    Map<String, Object> root;
    try (Reader r = Files.newBufferedReader(from)) {
      root = new Yaml().load(r);
    }
    List<Map<String, Object>> sites = (List<Map<String, Object>>) root.get("sites");
    root.put("sites", sites.stream().filter(s -> ids.contains(String.valueOf(s.get("id")))).toList());
    Files.writeString(to, new Yaml().dump(root));
  }
}
