package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.NetworkCut;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * SPEC "Live messages" on a cut network (issue 7, item 9): the hall display's network goes away
 * while the server stays up and keeps calling. The display says it is offline within 10 s, keeps
 * "now calling" as it was, shows none of the calls made meanwhile (for longer than its polling
 * interval), and once the network is back reconnects by itself and shows every call it missed,
 * each once. The cut lasts as long as that takes: until the display shows offline, the calls are
 * made and a poll could have fetched them.
 *
 * <p>Two cuts: a black hole between browser and server ({@link NetworkCut}: nothing closes, bytes
 * wait, as with a pulled cable), and Chromium's own offline mode over CDP (which fails new requests
 * at once but, in Chromium 156, leaves an open WebSocket delivering). One city and one browser for
 * both, each test on a fresh city.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HallOfflineTest {

  /** What the display must take at most to show it is cut off (the figure). */
  static final Duration SHOWS_OFFLINE = Duration.ofSeconds(10);
  /** live.js polls /calls and /state this often while the bridge is down: a call it could fetch shows within it. */
  static final Duration POLL = Duration.ofSeconds(2);

  /** While cut off the page's requests fail or time out: the network errors it logs are expected, nothing else. */
  static final Predicate<String> CUT_OFF = m ->
      m.contains("net::ERR_") || m.contains("WebSocket connection to") || m.contains("Failed to fetch");

  static TestCity city;
  static Browser hall;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Screens.FAST)).fresh().browser(1920, 1080);

  /** How a test cuts the display's network and brings it back. */
  interface Cut {
    void down();

    void up();
  }

  @Test
  void aBlackHoledDisplaySaysOfflineAndCatchesUpOnReconnection() {
    try (NetworkCut net = NetworkCut.to(city.port())) {
      cutAndCatchUp(city, hall, Screens.base(net.port()), new Cut() {
        public void down() {
          net.cut();
        }

        public void up() {
          net.restore();
        }
      });
    }
  }

  @Test
  void aDisplayInChromiumOfflineModeSaysOfflineAndCatchesUpOnReconnection() {
    hall.driver.executeCdpCommand("Network.enable", Map.of());
    try {
      cutAndCatchUp(city, hall, Screens.base(city), new Cut() {
        public void down() {
          offline(true);
        }

        public void up() {
          offline(false);
        }
      });
    } finally {
      offline(false);
    }
  }

  private static void offline(boolean offline) {
    hall.driver.executeCdpCommand("Network.emulateNetworkConditions",
        Map.of("offline", offline, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
  }

  private static void cutAndCatchUp(TestCity city, Browser hall, String base, Cut cut) {
    Screens.openHall(hall, base, "en");
    // a call the display saw live, every saying of it
    String seen = Screens.walkIn(city, "Gao Yan", "310101198606061117");
    Screens.awaitSaid(hall, seen, "room", 3, Duration.ofSeconds(3L * Screens.INTERVAL_SEC + 10));
    String lastSeen = hall.until("the seen call under recent calls", d -> {
      var li = d.findElements(By.cssSelector("#recent-calls li[data-number=" + seen + "]"));
      return li.isEmpty() ? null : li.get(0).getAttribute("data-event-id");
    });

    // ---- the network goes; the server stays and keeps calling ----
    long cutAt = System.nanoTime();
    cut.down();
    hall.until("#connection to say offline within " + SHOWS_OFFLINE.toSeconds() + " s of the cut", SHOWS_OFFLINE,
        d -> d.findElements(By.cssSelector("#connection[data-state=offline]")).isEmpty() ? null : true);
    System.out.printf("hall display showed offline %.1f s after the cut%n", (System.nanoTime() - cutAt) / 1e9);
    assertTrue(hall.find("#connection-text").getText().toLowerCase().contains("offline"), hall.find("#connection-text").getText());

    String door = city.login("door", "1357");
    String a = Screens.walkIn(city, "Ma Lin", "310101198606062224");
    Screens.walkIn(city, "Zhu Qing", "310101198606063331");
    Screens.scan(city, door, a);
    Screens.station(city, city.login("desk", "1234"), "desk-3", "next");
    String late = Screens.walkIn(city, "He Ping", "310101198606064449");
    // a display that could reach the server would show these within a poll: give it that, and a second
    sleepUntil(System.nanoTime(), POLL.plusSeconds(1));
    List<String> missed = new ArrayList<>();
    JsonArray calls = city.get(Screens.API + "/calls?after=" + lastSeen).array();
    for (int i = 0; i < calls.size(); i++) missed.add(calls.getJsonObject(i).getString("eventId"));
    assertEquals(4, missed.size(), "three room calls and a desk call during the cut: " + missed);
    assertEquals("offline", hall.find("#connection").getAttribute("data-state"), "the badge all through the cut");
    assertFalse(hall.findAll("#current-calls .call[data-number=" + seen + "]").isEmpty(),
        "\"now calling\" kept what it showed when the network went");
    for (String id : missed) {
      assertTrue(hall.findAll("#recent-calls li[data-event-id='" + id + "']").isEmpty(), "call " + id + " shown while cut off");
    }

    // ---- the network is back; the display reconnects by itself and catches up ----
    System.out.printf("hall display cut off for %.1f s%n", (System.nanoTime() - cutAt) / 1e9);
    cut.up();
    Screens.waitLive(hall, Duration.ofSeconds(45));
    Screens.assertCaughtUpOnce(hall, missed, lastSeen);
    assertFalse(hall.findAll("#current-calls .call[data-number=" + late + "]").isEmpty(),
        "the call made just before the network came back is under \"now calling\"");
    hall.assertCleanConsole(CUT_OFF);
  }

  static void sleepUntil(long startNanos, Duration after) {
    long left = startNanos + after.toNanos() - System.nanoTime();
    if (left <= 0) return;
    try {
      TimeUnit.NANOSECONDS.sleep(left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
