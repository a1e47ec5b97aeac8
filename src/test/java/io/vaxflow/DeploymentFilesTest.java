package io.vaxflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files fit together (no Docker here, so they are read, not run): every host name
 * that deploy/nginx.conf, deploy/prometheus.yml and Grafana's datasource use is a service of
 * docker-compose.yml on the port it listens on; the instances nginx balances are the ones Prometheus
 * scrapes; every file the compose files mount exists; Grafana's provisioning finds the dashboard and
 * the dashboard its datasource; every service restarts and the instances have health checks; no
 * compose file brings a voucher secret of its own.
 */
class DeploymentFilesTest {

  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private static final Path SENTINEL = Path.of("docker-compose.sentinel.yml");
  /** The port an instance listens on: the Dockerfile's HTTP_PORT. */
  private static final Pattern HTTP_PORT = Pattern.compile("ENV HTTP_PORT=([0-9]+)");

  @Test
  void everyNameTheDeployFilesUseIsAServiceOnItsPort() throws IOException {
    Map<String, Object> services = services(COMPOSE);
    Matcher port = HTTP_PORT.matcher(Files.readString(Path.of("Dockerfile")));
    assertTrue(port.find(), "the Dockerfile sets HTTP_PORT");
    String instancePort = port.group(1);
    Set<String> instances = new TreeSet<>();
    services.forEach((name, s) -> {
      if (".".equals(map(s).get("build"))) instances.add(name);
    });
    assertTrue(instances.size() >= 2, "two instances or more: " + instances);

    // nginx: both upstreams list every instance, on its port
    String nginx = Files.readString(Path.of("deploy/nginx.conf"));
    Matcher upstream = Pattern.compile("upstream (\\w+) \\{([^}]*)}").matcher(nginx);
    int upstreams = 0;
    while (upstream.find()) {
      upstreams++;
      Set<String> hosts = new TreeSet<>();
      Matcher server = Pattern.compile("server ([\\w.-]+):([0-9]+)").matcher(upstream.group(2));
      while (server.find()) {
        assertEquals(instancePort, server.group(2), "nginx upstream " + upstream.group(1) + ": " + server.group());
        hosts.add(server.group(1));
      }
      assertEquals(instances, hosts, "nginx upstream " + upstream.group(1) + " balances the compose file's instances");
    }
    assertEquals(2, upstreams, "nginx.conf's upstreams (requests, and SockJS sessions by id)");

    // Prometheus scrapes the same instances
    Map<String, Object> prometheus = new Yaml().load(Files.readString(Path.of("deploy/prometheus.yml")));
    Set<String> targets = new TreeSet<>();
    for (Object job : list(prometheus.get("scrape_configs"))) {
      assertEquals("/metrics", map(job).get("metrics_path"));
      for (Object sc : list(map(job).get("static_configs"))) {
        for (Object t : list(map(sc).get("targets"))) {
          String[] hostPort = t.toString().split(":");
          assertEquals(instancePort, hostPort[1], "prometheus target " + t);
          targets.add(hostPort[0]);
        }
      }
    }
    assertEquals(instances, targets, "prometheus.yml scrapes the compose file's instances");

    // Grafana's datasource is the compose file's Prometheus, on the port it listens on
    Map<String, Object> datasources = new Yaml().load(Files.readString(Path.of("deploy/grafana/provisioning/datasources/prometheus.yml")));
    Map<String, Object> datasource = map(list(datasources.get("datasources")).get(0));
    URI url = URI.create(datasource.get("url").toString());
    assertTrue(services.containsKey(url.getHost()), "Grafana's datasource host " + url.getHost() + " is a service");
    assertEquals(9090, url.getPort(), "Prometheus listens on 9090");
    assertTrue(map(services.get(url.getHost())).get("image").toString().startsWith("prom/prometheus:"));

    // the instances' Redis, and nginx's address as the proxy they trust
    Map<String, Object> nginxService = map(services.get("nginx"));
    String nginxAddress = map(map(nginxService.get("networks")).get("vaxflow")).get("ipv4_address").toString();
    for (String instance : instances) {
      Map<String, Object> env = map(map(services.get(instance)).get("environment"));
      assertTrue(services.containsKey(URI.create(env.get("REDIS_URL").toString()).getHost()), instance + ": " + env.get("REDIS_URL"));
      assertEquals(nginxAddress, env.get("VAXFLOW_HTTP_TRUSTEDPROXIES"), instance + " trusts nginx's X-Forwarded-For");
    }
    String subnet = map(list(map(map(map(compose(COMPOSE).get("networks")).get("vaxflow")).get("ipam")).get("config")).get(0))
        .get("subnet").toString();
    assertTrue(nginxAddress.startsWith(subnet.substring(0, subnet.lastIndexOf('.') + 1)), nginxAddress + " in " + subnet);
  }

  @Test
  void grafanaIsProvisionedWithTheDashboardAndItsDatasource() throws IOException {
    Map<String, Object> grafana = map(services(COMPOSE).get("grafana"));
    Map<String, String> mounts = mounts(grafana);
    assertEquals("/etc/grafana/provisioning", mounts.get("./deploy/grafana/provisioning"));
    String dashboardFile = mounts.get("./deploy/grafana-vaxflow.json");
    assertNotNull(dashboardFile, "the dashboard is mounted: " + mounts);
    Map<String, Object> providers = new Yaml().load(Files.readString(Path.of("deploy/grafana/provisioning/dashboards/vaxflow.yml")));
    String path = map(map(list(providers.get("providers")).get(0)).get("options")).get("path").toString();
    assertEquals(path, dashboardFile.substring(0, dashboardFile.lastIndexOf('/')), "the provider reads the directory the dashboard is mounted in");

    // a provisioned dashboard gets no __inputs substitution: its panels name the datasource through a variable
    JsonObject dashboard = new JsonObject(Files.readString(Path.of("deploy/grafana-vaxflow.json")));
    assertFalse(dashboard.containsKey("__inputs"));
    Map<String, Object> datasource = map(list(((Map<String, Object>) new Yaml().load(
        Files.readString(Path.of("deploy/grafana/provisioning/datasources/prometheus.yml")))).get("datasources")).get(0));
    JsonObject variable = variables(dashboard).stream().filter(v -> v.getString("name").equals("datasource")).findFirst().orElseThrow();
    assertEquals("datasource", variable.getString("type"));
    assertEquals(datasource.get("type"), variable.getString("query"), "the variable lists datasources of the provisioned type");
    List<JsonObject> uses = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      uses.add(((JsonObject) p).getJsonObject("datasource"));
      for (Object t : ((JsonObject) p).getJsonArray("targets")) uses.add(((JsonObject) t).getJsonObject("datasource"));
    }
    for (JsonObject v : variables(dashboard)) if (v.containsKey("datasource")) uses.add(v.getJsonObject("datasource"));
    for (JsonObject use : uses) assertEquals(new JsonObject().put("type", "prometheus").put("uid", "${datasource}"), use);
  }

  @Test
  void everyServiceRestartsTheInstancesAreCheckedAndNoSecretIsBuiltIn() throws IOException {
    for (Path file : List.of(COMPOSE, SENTINEL)) {
      Map<String, Object> services = services(file);
      services.forEach((name, s) -> {
        Map<String, Object> service = map(s);
        assertTrue(Set.of("unless-stopped", "always", "on-failure").contains(String.valueOf(service.get("restart"))), file + " " + name + " restarts");
        if (".".equals(service.get("build"))) assertNotNull(service.get("healthcheck"), file + " " + name + " has a health check");
        Object depends = service.get("depends_on");
        Iterable<?> on = depends instanceof Map<?, ?> m ? m.keySet() : depends == null ? List.of() : list(depends);
        for (Object other : on) {
          assertTrue(services.containsKey(other.toString()), file + " " + name + " depends on " + other);
          if (depends instanceof Map<?, ?> m && "service_healthy".equals(map(m.get(other)).get("condition"))) {
            assertNotNull(map(services.get(other.toString())).get("healthcheck"), file + ": " + other + " has a health check to wait for");
          }
        }
        for (String source : mounts(service).keySet()) {
          if (source.startsWith("./")) assertTrue(Files.exists(Path.of(source)), file + " " + name + " mounts " + source);
        }
      });
      // VOUCHER_SECRET passes through; unset, the server announces the public demo secret instead of using a made-up one
      String text = Files.readString(file);
      Matcher secret = Pattern.compile("VOUCHER_SECRET: (.*)").matcher(text);
      while (secret.find()) assertEquals("${VOUCHER_SECRET:-}", secret.group(1).strip(), file + ": " + secret.group());
      // the compose files are deployments, not the demo: outside demo mode unless DEMO says so (insecure defaults refused)
      Matcher demo = Pattern.compile("\n\\s+DEMO: (.*)").matcher(text);
      assertTrue(demo.find(), file + " sets DEMO for its instances");
      do assertEquals("${DEMO:-false}", demo.group(1).strip(), file + ": " + demo.group()); while (demo.find());
    }
  }

  private static Map<String, Object> compose(Path file) throws IOException {
    return new Yaml().load(Files.readString(file));
  }

  private static Map<String, Object> services(Path file) throws IOException {
    return map(compose(file).get("services"));
  }

  /** A service's bind mounts: host path to container path. */
  private static Map<String, String> mounts(Map<String, Object> service) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Object v : list(service.getOrDefault("volumes", List.of()))) {
      String[] parts = v.toString().split(":");
      if (parts.length >= 2) out.put(parts[0], parts[1]);
    }
    return out;
  }

  private static List<JsonObject> variables(JsonObject dashboard) {
    JsonArray list = dashboard.getJsonObject("templating").getJsonArray("list");
    List<JsonObject> out = new ArrayList<>();
    for (Object v : list) out.add((JsonObject) v);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertTrue(o instanceof Map, "a mapping: " + o);
    return (Map<String, Object>) o;
  }

  private static List<?> list(Object o) {
    assertTrue(o instanceof List, "a list: " + o);
    return (List<?>) o;
  }
}
