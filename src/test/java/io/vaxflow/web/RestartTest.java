package io.vaxflow.web;

import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.store.RedisLauncher;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC "Redis is the only state": the server killed mid-flow (kill -9, Redis left running) and
 * started again shows the same state, and the flow goes on from where it was.
 *
 * <p>The server runs as its own OS process ({@code java io.vaxflow.Main}), as in production.
 */
class RestartTest {

  private static final Duration START_LIMIT = Duration.ofSeconds(45);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  record Reply(int status, String body, Map<String, List<String>> headers) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }
  }

  @Test
  void killedServerComesBackWithTheSameStateAndTheFlowGoesOn() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-restart");
    RedisLauncher redis = RedisLauncher.start(dir.resolve("redis"));
    Process first = null;
    Process second = null;
    try {
      int port = freePort();
      String base = "http://127.0.0.1:" + port;
      first = startServer(redis.url(), port, dir.resolve("server-1.log"));
      awaitHealthy(first, base, dir.resolve("server-1.log"));

      // ---- mid-flow at pudong ----
      String door = login(base, "door", "1357");
      String desk = login(base, "desk", "1234");
      for (int i = 1; i <= 6; i++) {
        Reply r = post(base, "/api/v1/sites/pudong/checkins", null,
            new JsonObject().put("walkIn", new JsonObject().put("name", "Xu Jing").put("idNumber", Ids.resident(26, i)).put("dose", 1)));
        assertEquals(201, r.status(), r.body());
        assertEquals(String.format("W%03d", i), r.json().getJsonObject("ticket").getString("number"));
      }
      for (String n : List.of("W001", "W002", "W003")) {
        Reply scan = post(base, "/api/v1/sites/pudong/door/scan", door, new JsonObject().put("number", n));
        assertEquals(200, scan.status(), scan.body());
      }
      // desk-2 registers W002: it waits in the vaccination queue
      assertEquals("W001", ok(post(base, "/api/v1/sites/pudong/stations/desk-2/next", desk, null)).getJsonObject("ticket").getString("number"));
      ok(post(base, "/api/v1/sites/pudong/stations/desk-2/start", desk, null));
      JsonObject done = ok(post(base, "/api/v1/sites/pudong/stations/desk-2/done", desk, null));
      assertEquals("vaccination", done.getJsonObject("ticket").getString("stage"));
      // desk-1 calls the next one, W002; desk-3 takes a break
      JsonObject called = ok(post(base, "/api/v1/sites/pudong/stations/desk-1/next", desk, null));
      assertEquals("W002", called.getJsonObject("ticket").getString("number"));
      assertEquals("called", called.getJsonObject("ticket").getString("state"));
      ok(post(base, "/api/v1/sites/pudong/stations/desk-3/pause", desk, null));

      JsonObject stateBefore = state(base);
      JsonObject counts = stateBefore.getJsonObject("counts");
      assertEquals(6, counts.getInteger("issued"));
      assertEquals(1, counts.getInteger("desk"), counts.encode());
      assertEquals(1, counts.getInteger("vaccination"), counts.encode());
      assertEquals(1, counts.getInteger("room"), counts.encode());
      assertEquals(3, counts.getInteger("calledToRoom"), counts.encode());
      JsonObject w002Before = get(base, "/api/v1/sites/pudong/tickets/W002", null).json();
      JsonArray callsBefore = get(base, "/api/v1/sites/pudong/calls", null).array();
      JsonArray stationsBefore = get(base, "/api/v1/sites/pudong/stations", desk).array();
      JsonArray sitesBefore = get(base, "/api/v1/sites", null).array();
      assertFalse(callsBefore.isEmpty());

      // ---- kill -9, Redis stays ----
      first.destroyForcibly();
      assertTrue(first.waitFor(20, TimeUnit.SECONDS), "the server died");
      assertFalse(first.isAlive());
      assertTrue(redis.isRunning(), "Redis was left running");
      assertServerGone(base);

      second = startServer(redis.url(), port, dir.resolve("server-2.log"));
      awaitHealthy(second, base, dir.resolve("server-2.log"));

      // ---- the same state ----
      assertEquals(stateBefore, state(base), "GET /state after the restart");
      JsonObject w002After = get(base, "/api/v1/sites/pudong/tickets/W002", null).json();
      assertEquals(w002Before, w002After, "the called ticket");
      assertEquals("desk", w002After.getString("stage"));
      assertEquals("called", w002After.getString("state"));
      assertEquals("desk-1", w002After.getString("station"));
      assertEquals(callsBefore, get(base, "/api/v1/sites/pudong/calls", null).array(), "the day's calls");
      // the sessions live in Redis too: the desk is still logged in
      Reply stations = get(base, "/api/v1/sites/pudong/stations", desk);
      assertEquals(200, stations.status(), stations.body());
      assertEquals(stationsBefore, stations.array(), "stations with their tickets, states and staff");
      assertEquals(sitesBefore, get(base, "/api/v1/sites", null).array(), "the city's sites and their load");

      // ---- the flow goes on ----
      JsonObject started = ok(post(base, "/api/v1/sites/pudong/stations/desk-1/start", desk, null));
      assertEquals("W002", started.getJsonObject("ticket").getString("number"));
      JsonObject finished = ok(post(base, "/api/v1/sites/pudong/stations/desk-1/done", desk, null));
      assertEquals("vaccination", finished.getJsonObject("ticket").getString("stage"));
      JsonObject next = ok(post(base, "/api/v1/sites/pudong/stations/desk-1/next", desk, null));
      assertEquals("W003", next.getJsonObject("ticket").getString("number"), "the next in the room queue is called");
      ok(post(base, "/api/v1/sites/pudong/stations/desk-3/resume", desk, null));

      String booth = login(base, "booth", "4321");
      JsonObject atBooth = ok(post(base, "/api/v1/sites/pudong/stations/booth-1/next", booth, null));
      assertEquals("W001", atBooth.getJsonObject("ticket").getString("number"), "the vaccination queue kept its order");
      JsonObject second2 = ok(post(base, "/api/v1/sites/pudong/stations/booth-2/next", booth, null));
      assertEquals("W002", second2.getJsonObject("ticket").getString("number"));

      Reply scan = post(base, "/api/v1/sites/pudong/door/scan", door, new JsonObject().put("number", "W004"));
      assertEquals(200, scan.status(), scan.body());
      Reply again = post(base, "/api/v1/sites/pudong/door/scan", door, new JsonObject().put("number", "W001"));
      assertEquals(409, again.status(), "an admitted ticket is not admitted twice: " + again.body());

      Reply walkIn = post(base, "/api/v1/sites/pudong/checkins", null,
          new JsonObject().put("walkIn", new JsonObject().put("name", "Xu Ming").put("idNumber", "310115197001010097").put("dose", 1)));
      assertEquals(201, walkIn.status(), walkIn.body());
      assertEquals("W007", walkIn.json().getJsonObject("ticket").getString("number"), "numbering goes on");
      assertEquals(200, get(base, "/api/v1/sites/pudong/tickets/W001", null).status(),
          "who checked in before the restart is still checked in");

      JsonObject end = state(base).getJsonObject("counts");
      assertEquals(7, end.getInteger("issued"), end.encode());
      assertEquals(1, end.getInteger("desk"), end.encode());
      assertEquals(2, end.getInteger("booth"), end.encode());
      assertEquals(7, end.getInteger("hall") + end.getInteger("outside") + end.getInteger("room") + end.getInteger("desk")
          + end.getInteger("vaccination") + end.getInteger("booth") + end.getInteger("observation")
          + end.getInteger("released") + end.getInteger("noShow"), "every ticket is somewhere: " + end.encode());
    } finally {
      stop(second);
      stop(first);
      redis.stop();
      TestCity.deleteTree(dir);
    }
  }

  // ---- the server process ----

  private static Process startServer(String redisUrl, int port, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.vaxflow.Main");
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("VAXFLOW_") || List.of("REDIS_URL", "HTTP_PORT", "CLOCK", "CONFIG",
        "DATA_DIR", "VOUCHER_SECRET", "SIMULATE").contains(k));
    env.put("REDIS_URL", redisUrl);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("CLOCK", TestCity.MORNING);
    env.put("CONFIG", "config/vaxflow.yaml");
    env.put("VAXFLOW_HTTP_HOST", "127.0.0.1");
    env.put("DATA_DIR", log.getParent().resolve("data").toString());
    // a 2-core machine shared with other builds: let a slow Redis reply be slow, not a failure
    env.put("VAXFLOW_REDIS_TIMEOUTMS", "5000");
    pb.directory(Path.of("").toAbsolutePath().toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  private void awaitHealthy(Process p, String base, Path log) throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) fail("the server exited with " + p.exitValue() + ":\n" + tail(log));
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && new JsonObject(r.body()).getString("status").equals("UP")) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    fail("the server was not healthy in time:\n" + tail(log));
  }

  private void assertServerGone(String base) throws InterruptedException {
    try {
      http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      fail("the killed server still answered");
    } catch (ConnectException expected) {
      // nobody listens
    } catch (IOException alsoFine) {
      // the connection was refused or reset
    }
  }

  private static void stop(Process p) throws InterruptedException {
    if (p == null) return;
    p.destroyForcibly();
    p.waitFor(20, TimeUnit.SECONDS);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  // ---- HTTP ----

  private JsonObject state(String base) throws Exception {
    Reply r = get(base, "/api/v1/sites/pudong/state", null);
    assertEquals(200, r.status(), r.body());
    JsonObject s = r.json();
    assertNotNull(s.remove("at"), "the snapshot's time"); // the one field that is about now, not the state
    return s;
  }

  private String login(String base, String staffId, String pin) throws Exception {
    Reply r = post(base, "/api/v1/auth/login", null, new JsonObject().put("staffId", staffId).put("pin", pin));
    assertEquals(200, r.status(), r.body());
    // every cookie it set: the session, and the CSRF token that state-changing requests echo
    StringBuilder cookies = new StringBuilder();
    for (String c : r.headers().getOrDefault("set-cookie", List.of())) {
      cookies.append(cookies.length() == 0 ? "" : "; ").append(c, 0, c.indexOf(';'));
    }
    assertTrue(cookies.indexOf("vf_session=") >= 0, "a session cookie: " + r.headers());
    return cookies.toString();
  }

  private static JsonObject ok(Reply r) {
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private Reply get(String base, String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
    if (cookie != null) b.header("Cookie", cookie);
    return send(b.build());
  }

  private Reply post(String base, String path, String cookie, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode()));
    if (cookie != null) {
      b.header("Cookie", cookie);
      io.vaxflow.support.StaffCookies.csrf(cookie).ifPresent(t -> b.header("X-CSRF-Token", t));
    }
    return send(b.build());
  }

  private Reply send(HttpRequest req) throws Exception {
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body(), r.headers().map());
  }
}
