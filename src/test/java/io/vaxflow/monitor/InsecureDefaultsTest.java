package io.vaxflow.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.VaxflowServer;
import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.support.ServerLog;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, attack 9: with the shipped demo {@code VOUCHER_SECRET}, forged priority vouchers were accepted offline
 * while the registry was down, and nothing warned. Outside demo mode ({@code demo: false}, env {@code DEMO}) a start
 * with the demo voucher secret, a shipped demo PIN hash or no {@code PUBLIC_URL} is refused, naming each; in demo mode
 * the server warns at start and {@code /health} lists them ({@code checks.security}).
 */
class InsecureDefaultsTest {

  private static final Path DEMO = Path.of("config/vaxflow.yaml");
  /** The desk account's PIN hash as shipped (its PIN, 1234, is in the README). */
  private static final String SHIPPED_DESK_HASH = ConfigLoader.load(DEMO, Map.of()).staffAccount("desk").orElseThrow().pinHash();

  @Test
  void theShippedPinHashesAreTheOnesRefused() {
    List<StaffAccount> staff = ConfigLoader.load(DEMO, Map.of()).staff();
    assertEquals(StaffAccount.DEMO_PIN_HASHES, staff.stream().map(StaffAccount::pinHash).collect(Collectors.toSet()),
        "StaffAccount.DEMO_PIN_HASHES are config/vaxflow.yaml's");
  }

  @Test
  void outsideDemoModeAnInsecureStartIsRefusedNamingEachProblem() {
    VaxflowConfig config = ConfigLoader.load(DEMO, Map.of("DEMO", "false", "HTTP_PORT", "0"));
    Vertx vertx = Vertx.vertx();
    try {
      // refused before anything starts: no Redis is asked (none answers at this address)
      Throwable refused = assertThrows(Throwable.class, () -> VaxflowServer.start(vertx, config, "redis://127.0.0.1:1").await());
      String m = refused.getMessage();
      assertTrue(m.startsWith("refusing to start outside demo mode"), m);
      for (String named : List.of("voucherSecret (VOUCHER_SECRET)", "http.publicUrl (PUBLIC_URL)",
          "staff.manager.pinHash (VAXFLOW_STAFF_MANAGER_PINHASH)", "staff.desk.pinHash (VAXFLOW_STAFF_DESK_PINHASH)")) {
        assertTrue(m.contains(named), "names " + named + ": " + m);
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void theServerProcessRefusesBeforeStartingItsRedis() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-insecure");
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), "io.vaxflow.Main").redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("VAXFLOW_") || List.of("REDIS_URL", "VOUCHER_SECRET", "PUBLIC_URL", "CONFIG").contains(k));
      env.put("DEMO", "false");
      env.put("VOUCHER_SECRET", "a-real-secret-of-32-characters!!");
      env.put("DATA_DIR", dir.toString());
      env.put("HTTP_PORT", "0");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(2, p.exitValue(), out);
      assertTrue(out.contains("http.publicUrl (PUBLIC_URL)") && out.contains("staff.booth.pinHash"), out);
      assertFalse(out.contains("voucherSecret"), "a voucher secret of its own is not named: " + out);
      assertFalse(Files.exists(dir.resolve("redis.pid")), "the embedded Redis never started");
    } finally {
      TestCity.deleteTree(dir);
    }
  }

  @Test
  void inDemoModeTheServerWarnsAtStartAndHealthListsEachInsecureDefault() {
    TestCity city;
    String log;
    try (ServerLog captured = ServerLog.capture()) {
      city = TestCity.start(Map.of("VAXFLOW_STAFF_DESK_PINHASH", SHIPPED_DESK_HASH));
      log = captured.text();
    }
    try (city) {
      assertTrue(log.contains("DEMO MODE") && log.contains("voucherSecret (VOUCHER_SECRET)") && log.contains("staff.desk.pinHash")
          && log.contains("http.publicUrl (PUBLIC_URL)"), "the warning at start names each: " + log);
      Reply health = city.get("/health");
      assertEquals(200, health.status(), health.body());
      JsonObject security = health.json().getJsonObject("checks").getJsonObject("security");
      assertEquals("DEMO", security.getString("status"), health.body());
      JsonArray insecure = security.getJsonArray("insecure");
      assertEquals(List.of("voucherSecret", "staff.desk.pinHash", "http.publicUrl"),
          insecure.stream().map(i -> ((JsonObject) i).getString("setting")).toList(), health.body());
    }
  }

  @Test
  void outsideDemoModeWithItsOwnValuesTheServerStartsAndHealthSaysSo() {
    try (TestCity city = TestCity.start(Map.of("DEMO", "false", "VOUCHER_SECRET", "a-real-secret-of-32-characters!!",
        "PUBLIC_URL", "https://queue.example.org"))) {
      Reply health = city.get("/health");
      assertEquals(200, health.status(), health.body());
      JsonObject checks = health.json().getJsonObject("checks");
      assertEquals(new JsonObject().put("status", "UP").put("demo", false).put("insecure", new JsonArray()), checks.getJsonObject("security"));
      assertEquals("SET", checks.getJsonObject("voucherSigning").getString("status"));
    }
  }
}
