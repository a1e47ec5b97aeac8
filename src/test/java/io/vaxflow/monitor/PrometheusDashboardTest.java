package io.vaxflow.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaxflow.support.FlowKit;
import io.vaxflow.support.TestCity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/prometheus.yml and deploy/grafana-vaxflow.json as shipped, against two instances sharing
 * one Redis: a real Prometheus (Debian's, started here on loopback; only the target addresses and
 * the scrape interval changed) scrapes both; every expression of every dashboard panel is valid
 * and returns data; the people-per-stage panels equal the site's counts (7 released shows 7, not
 * one 7 per instance), and the check-ins panel adds up the check-ins each instance took.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusDashboardTest {

  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final String SITE = FlowKit.SITE;
  private static final int RELEASED = 7;
  private static final int WAITING = 2;
  private static final long WAIT_MS = 30_000;

  @Test
  void theShippedDashboardShowsTwoInstancesAsOneSite() throws Exception {
    if (!Files.isExecutable(PROMETHEUS)) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + PROMETHEUS + " is missing (apt-get install prometheus)");
      assumeTrue(false, PROMETHEUS + " is missing (apt-get install prometheus); skipped");
    }
    Path dir = Files.createTempDirectory("vaxflow-prometheus");
    // Prometheus first (it takes its targets in some 5 s), on the ports the instances will listen on
    int port = freePort();
    List<Integer> ports = List.of(freePort(), freePort());
    Process prometheus = startPrometheus(dir, port, ports);
    String secret = "a-secret-of-this-test-only-0123";
    try (TestCity one = TestCity.start(Map.of("HTTP_PORT", ports.get(0).toString(), "VOUCHER_SECRET", secret));
         TestCity two = TestCity.on(one.redis, Map.of("HTTP_PORT", ports.get(1).toString(), "VOUCHER_SECRET", secret))) {
      WebClient http = WebClient.create(one.vertx);
      try {
        assertEquals("SET", one.get("/health").json().getJsonObject("checks").getJsonObject("voucherSigning").getString("status"));

        // the day, through both instances: 9 walk-ins, 7 of them vaccinated and released, 2 still waiting
        List<TestCity> both = List.of(one, two);
        String door = one.login("door", "1357");
        String desk = one.login("desk", "1234");
        String booth = one.login("booth", "4321");
        String observer = one.login("observer", "9753");
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < RELEASED + WAITING; i++) {
          numbers.add(both.get(i % 2).walkIn(SITE, FlowKit.name("Scraped", i), FlowKit.idNumber(7, i)).getString("number"));
        }
        for (int i = 0; i < RELEASED; i++) {
          TestCity a = both.get(i % 2), b = both.get((i + 1) % 2);
          FlowKit.ok(FlowKit.scan(a, door, numbers.get(i)), "scan");
          FlowKit.ok(FlowKit.next(b, desk, "desk-1"), "desk next");
          FlowKit.ok(FlowKit.act(a, desk, "desk-1", "start"), "desk start");
          FlowKit.ok(FlowKit.act(b, desk, "desk-1", "done"), "desk done");
          a.openVial(FlowKit.SITE, booth, "booth-1");
          FlowKit.ok(FlowKit.next(a, booth, "booth-1"), "booth next");
          FlowKit.ok(FlowKit.act(b, booth, "booth-1", "start"), "booth start");
          FlowKit.ok(FlowKit.act(a, booth, "booth-1", "done"), "booth done");
          FlowKit.ok(b.post(FlowKit.API + "/observation/" + numbers.get(i) + "/release", observer, new JsonObject()), "release");
        }
        FlowKit.await("Prometheus to scrape both instances", WAIT_MS, () -> upTargets(http, port) == 2);
        JsonObject counts = FlowKit.state(one).getJsonObject("counts");
        assertEquals(RELEASED, counts.getInteger("released"), counts.encode());
        Map<String, Double> site = new HashMap<>();
        for (String stage : List.of("outside", "away", "hall", "room", "desk", "vaccination", "booth", "observation", "released", "noShow")) {
          site.put(stage.equals("noShow") ? "no_show" : stage, (double) counts.getInteger(stage));
        }

        JsonObject dashboard = new JsonObject(Files.readString(Path.of("deploy/grafana-vaxflow.json")));
        List<String> exprs = new ArrayList<>();
        for (Object p : dashboard.getJsonArray("panels")) {
          for (Object t : ((JsonObject) p).getJsonArray("targets")) exprs.add(((JsonObject) t).getString("expr"));
        }
        assertEquals(9, exprs.size(), exprs.toString());

        // the stage panels: the site's counts, whatever the number of instances reporting them
        List<String> stagePanels = exprs.stream().filter(e -> e.contains("vaxflow_stage_people")).toList();
        assertEquals(2, stagePanels.size(), exprs.toString());
        // (each instance's gauges as last scraped: once both instances have been scraped since the day's last
        // change; summed, the panels would show a count per instance and never get there)
        Map<String, Double> shown = stages(http, port, stagePanels);
        for (long end = System.currentTimeMillis() + WAIT_MS; !shown.equals(site) && System.currentTimeMillis() < end; ) {
          Thread.sleep(200);
          shown = stages(http, port, stagePanels);
        }
        assertEquals(site, shown, "the stage panels against the site's counts");

        // the check-ins panel sums each instance's own check-ins: its sum, over the counters, is the day's walk-ins
        String checkins = exprs.stream().filter(e -> e.contains("vaxflow_checkins_total")).findFirst().orElseThrow()
            .replaceAll("rate\\((.*)\\[1m]\\)", "$1");
        FlowKit.await("both instances' check-ins counted", WAIT_MS,
            () -> values(http, port, panel(checkins)).getOrDefault(SITE + " created", 0.0) == RELEASED + WAITING);

        // every panel's expression is valid PromQL and returns data; the per-instance ones a series for each
        for (String expr : exprs) {
          boolean perInstance = expr.contains("by (instance)") || expr.contains("process_resident_memory_bytes");
          // (a rate has data once a series has two samples in its window: an instance's may come a scrape later)
          FlowKit.await((perInstance ? "a series per instance for " : "data for ") + expr, WAIT_MS, () -> {
            int series = query(http, port, panel(expr)).size();
            return perInstance ? series == 2 : series > 0;
          });
        }
        // the site variable's choices (Grafana's label_values) come from the stage gauge
        JsonArray sites = http.getAbs("http://127.0.0.1:" + port + "/api/v1/label/site/values")
            .addQueryParam("match[]", "vaxflow_stage_people").send().await().bodyAsJsonObject().getJsonArray("data");
        assertTrue(sites.contains(SITE), sites.encode());
      } finally {
        http.close();
      }
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) prometheus.destroyForcibly().waitFor();
      TestCity.deleteTree(dir);
    }
  }

  /** A panel's expression as Grafana sends it with every site chosen (the variable's allValue). */
  private static String panel(String expr) {
    return expr.replace("$site", ".*");
  }

  /** The stage panels' values by stage, at the test's site. */
  private static Map<String, Double> stages(WebClient http, int port, List<String> panels) {
    Map<String, Double> out = new HashMap<>();
    for (String expr : panels) {
      values(http, port, expr.replace("$site", SITE)).forEach((k, v) -> out.put(k.substring(k.indexOf(' ') + 1), v));
    }
    return out;
  }

  /** The result of an instant query as "label-values" -> value, labels in the order the expression's by() names them. */
  private static Map<String, Double> values(WebClient http, int port, String expr) {
    String by = expr.replaceAll("(?s).*?by \\(([^)]*)\\).*", "$1");
    Map<String, Double> out = new HashMap<>();
    for (Object o : query(http, port, expr)) {
      JsonObject series = (JsonObject) o;
      List<String> key = new ArrayList<>();
      for (String label : by.split(",\\s*")) key.add(series.getJsonObject("metric").getString(label.strip(), ""));
      out.put(String.join(" ", key), Double.parseDouble(series.getJsonArray("value").getString(1)));
    }
    return out;
  }

  /** Prometheus' instant query API: the series of the result; a query Prometheus refuses fails the test. */
  private static JsonArray query(WebClient http, int port, String expr) {
    HttpResponse<Buffer> r = http.getAbs("http://127.0.0.1:" + port + "/api/v1/query").addQueryParam("query", expr).send().await();
    assertEquals(200, r.statusCode(), expr + ": " + r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("success", body.getString("status"), expr + ": " + body.encode());
    return body.getJsonObject("data").getJsonArray("result");
  }

  private static long upTargets(WebClient http, int port) {
    HttpResponse<Buffer> r = http.getAbs("http://127.0.0.1:" + port + "/api/v1/targets").send().await();
    return r.bodyAsJsonObject().getJsonObject("data").getJsonArray("activeTargets").stream()
        .filter(t -> "up".equals(((JsonObject) t).getString("health"))).count();
  }

  /**
   * deploy/prometheus.yml with the instances' loopback addresses for its targets and a 1 s scrape
   * interval, nothing else changed; Prometheus on a free loopback port, its data in {@code dir}.
   */
  private static Process startPrometheus(Path dir, int port, List<Integer> instances) throws IOException, InterruptedException {
    String shipped = Files.readString(Path.of("deploy/prometheus.yml"));
    String conf = shipped.replace("scrape_interval: 15s", "scrape_interval: 1s");
    for (int i = 0; i < instances.size(); i++) conf = conf.replace("\"vaxflow-" + (i + 1) + ":8080\"", "\"127.0.0.1:" + instances.get(i) + "\"");
    Map<String, Object> ours = new Yaml().load(conf), theirs = new Yaml().load(shipped);
    assertEquals(theirs.toString().replaceAll("vaxflow-(\\d):8080", "X").replace("scrape_interval=15s", "I"),
        ours.toString().replaceAll("127\\.0\\.0\\.1:\\d+", "X").replace("scrape_interval=1s", "I"), "only the targets and the interval differ");
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, conf);
    Path log = dir.resolve("prometheus.log");
    Process p = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + file, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port)
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    for (int i = 0; i < 200 && p.isAlive(); i++) {
      try (var s = new java.net.Socket("127.0.0.1", port)) {
        return p;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly().waitFor();
    throw new AssertionError("Prometheus did not start: " + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
