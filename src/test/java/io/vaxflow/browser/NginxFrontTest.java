package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaxflow.support.Browser;
import io.vaxflow.support.TestCity;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * deploy/nginx.conf in front of two instances sharing one Redis (a real nginx, started here on
 * loopback): a hall display attached through nginx keeps its SockJS session on one instance
 * (WebSocket upgraded through the proxy) and shows a call made through the other instance.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NginxFrontTest {

  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  @Test
  void aHallThroughNginxShowsACallMadeThroughTheOtherInstance() throws Exception {
    if (!Files.isExecutable(NGINX)) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + NGINX + " is missing (apt-get install nginx-light)");
      assumeTrue(false, NGINX + " is missing (apt-get install nginx-light); skipped");
    }
    Browser.assumeAvailable();
    Path dir = Files.createTempDirectory("vaxflow-nginx");
    try (TestCity one = TestCity.start(Screens.FAST)) {
      TestCity two = TestCity.on(one.redis, Screens.FAST);
      int port = freePort();
      Process nginx = startNginx(dir, port, List.of(one.port(), two.port()));
      try {
        try (Browser hall = Browser.open(1920, 1080)) {
          Screens.openHall(hall, Screens.base(port), "en");
          // a call made through each instance in turn: one of them is not the instance holding the
          // hall's SockJS session, and both calls reach the hall
          String first = Screens.walkIn(one, "Sun Hao", "310101198807075689");
          Screens.awaitSaid(hall, first, "room", 1, Browser.WAIT);
          String second = Screens.walkIn(two, "Li Na", "310101198807075697");
          Screens.awaitSaid(hall, second, "room", 1, Browser.WAIT);
          assertEquals("live", hall.find("#connection").getAttribute("data-state"));
          hall.assertCleanConsole();
        }
        // the hall closed, nginx has logged its session: every SockJS request of it went to one instance
        List<String> session = List.of();
        for (int i = 0; i < 100 && session.stream().noneMatch(l -> l.contains("websocket")); i++) {
          Thread.sleep(50);
          session = Files.readAllLines(dir.resolve("access.log")).stream()
              .filter(l -> l.contains("/eventbus/") && !l.contains("/eventbus/info")).toList();
        }
        assertTrue(!session.isEmpty() && session.stream().anyMatch(l -> l.contains("websocket")), "the hall's session: " + session);
        assertEquals(1, session.stream().map(NginxFrontTest::upstream).distinct().count(), "instances of the hall's session: " + session);
        String held = upstream(session.get(0));
        assertTrue(held.equals("127.0.0.1:" + one.port()) || held.equals("127.0.0.1:" + two.port()), held);
      } finally {
        nginx.destroy();
        if (!nginx.waitFor(10, TimeUnit.SECONDS)) nginx.destroyForcibly().waitFor();
        two.stopServer();
      }
    } finally {
      TestCity.deleteTree(dir);
    }
  }

  /** deploy/nginx.conf with the test's ports, paths in {@code dir}, loopback only; nginx in the foreground. */
  private static Process startNginx(Path dir, int port, List<Integer> instances) throws IOException, InterruptedException {
    String conf = Files.readString(Path.of("deploy/nginx.conf"));
    for (int i = 0; i < instances.size(); i++) {
      conf = conf.replace("server vaxflow-" + (i + 1) + ":8080", "server 127.0.0.1:" + instances.get(i));
    }
    conf = conf.replace("listen 80;", "listen 127.0.0.1:" + port + ";")
        .replace("worker_processes auto;", "worker_processes 1;\npid " + dir.resolve("nginx.pid") + ";")
        .replace("access_log /dev/stdout vaxflow;", "access_log " + dir.resolve("access.log") + " vaxflow;\n"
            + "  client_body_temp_path " + dir.resolve("body") + ";\n  proxy_temp_path " + dir.resolve("proxy") + ";\n"
            + "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n  uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
            + "  scgi_temp_path " + dir.resolve("scgi") + ";");
    assertTrue(conf.contains("127.0.0.1:" + instances.get(1)) && !conf.contains("vaxflow-1:"), conf);
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    Process p = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
        "-c", file.toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    for (int i = 0; i < 100; i++) {
      try (var s = new java.net.Socket("127.0.0.1", port)) {
        return p;
      } catch (IOException notYet) {
        if (!p.isAlive()) break;
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("nginx.out"))
        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
  }

  private static String upstream(String line) {
    Matcher m = Pattern.compile("upstream=(\\S+)").matcher(line);
    return m.find() ? m.group(1) : "";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
