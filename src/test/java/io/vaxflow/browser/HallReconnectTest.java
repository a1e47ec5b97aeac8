package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.Browser;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * SPEC "Live messages": a hall display whose server goes away (stopped, Redis left running) and
 * comes back shows, once reconnected, every call made while it was away, each once. The calls are
 * made through a second instance on the same Redis while the display's own server is down; the
 * display's server is then started again on its old port.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HallReconnectTest {

  /** While its server is down the page's requests fail: the network errors it logs are expected, nothing else. */
  private static final Predicate<String> SERVER_DOWN = m ->
      m.contains("net::ERR_") || m.contains("WebSocket connection to");

  @Test
  void aDisplayShowsTheCallsMadeWhileItWasAwayEachOnce() throws InterruptedException {
    Browser.assumeAvailable();
    TestCity city = TestCity.start(Screens.FAST);
    int port = city.port();
    boolean cityServerUp = true;
    TestCity restarted = null;
    try (Browser hall = Browser.open(1920, 1080)) {
      Screens.openHall(hall, Screens.base(port), "en");
      // a call the display saw live, every saying of it
      String seen = Screens.walkIn(city, "Gao Yan", "310101198606061117");
      Screens.awaitSaid(hall, seen, "room", 3, Duration.ofSeconds(3L * Screens.INTERVAL_SEC + 10));
      String lastSeen = hall.until("the seen call under recent calls", d -> {
        var li = d.findElements(By.cssSelector("#recent-calls li[data-number=" + seen + "]"));
        return li.isEmpty() ? null : li.get(0).getAttribute("data-event-id");
      });

      // ---- the display's server goes away ----
      city.stopServer();
      cityServerUp = false;
      hall.until("#connection to leave live", d ->
          "live".equals(d.findElement(By.id("connection")).getAttribute("data-state")) ? null : true);

      // ---- calls made meanwhile, through another instance on the same Redis ----
      List<String> missed = new ArrayList<>();
      TestCity other = TestCity.on(city.redis, Screens.FAST);
      try {
        String a = Screens.walkIn(other, "Ma Lin", "310101198606062224");
        Screens.walkIn(other, "Zhu Qing", "310101198606063331");
        Screens.walkIn(other, "He Ping", "310101198606064449");
        Screens.scan(other, other.login("door", "1357"), a);
        Screens.station(other, other.login("desk", "1234"), "desk-3", "next");
        JsonArray calls = other.get(Screens.API + "/calls?after=" + lastSeen).array();
        for (int i = 0; i < calls.size(); i++) missed.add(calls.getJsonObject(i).getString("eventId"));
        // Every repeat of those calls said while the display is away: a saying still due when its
        // server is back is said live then (RepeatsSurviveTest), which is not what this test is about.
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (other.redis(Command.ZCARD, SiteKeys.Site.SAYS.of(Screens.SITE)).toLong() > 0 && System.nanoTime() < until) {
          Thread.sleep(100);
        }
      } finally {
        other.stopServer();
      }
      assertEquals(4, missed.size(), "three room calls and a desk call while away: " + missed);
      assertFalse(hall.findAll("#connection[data-state=live]").size() > 0, "live while its server was down");

      // ---- the server is back on its port; the display reconnects by itself ----
      Map<String, String> samePort = new HashMap<>(Screens.FAST);
      samePort.put("HTTP_PORT", String.valueOf(port));
      restarted = TestCity.on(city.redis, samePort);
      Screens.waitLive(hall, Duration.ofSeconds(45));
      Screens.assertCaughtUpOnce(hall, missed, lastSeen);
      hall.assertCleanConsole(SERVER_DOWN);
    } finally {
      if (restarted != null) restarted.stopServer();
      if (cityServerUp) {
        city.close();
      } else {
        city.redis.stop();
        TestCity.deleteTree(city.redis.dataDir());
      }
    }
  }
}
