package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Browser;
import io.vaxflow.support.TestCity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * SPEC "Redis is the only state": several server instances share one Redis, each tails the site
 * streams and pushes to its own SockJS clients, so a call made on one reaches displays attached to
 * any instance.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwoInstancesTest {

  @Test
  void aCallMadeThroughOneInstanceShowsOnAHallAttachedToTheOther() {
    Browser.assumeAvailable();
    try (TestCity one = TestCity.start(Screens.FAST)) {
      TestCity two = TestCity.on(one.redis, Screens.FAST);
      try (Browser hall = Browser.open(1920, 1080)) {
        Screens.openHall(hall, Screens.base(one), "en");
        int hallBefore = Screens.stageCount(hall, "hall");

        // every request of the flow goes to instance 2
        String number = Screens.walkIn(two, "Sun Hao", "310101198807075689");
        hall.until("instance 1's hall count after a check-in on instance 2", d ->
            d.findElement(By.cssSelector("#stage-counts [data-stage=hall]")).getText().trim()
                .equals(String.valueOf(hallBefore + 1)) ? true : null);
        Screens.awaitSaid(hall, number, "room", 1, Browser.WAIT);
        Screens.scan(two, two.login("door", "1357"), number);
        String desk = two.login("desk", "1234");
        assertEquals(number, Screens.station(two, desk, "desk-2", "next").getJsonObject("ticket").getString("number"));

        String call = "#current-calls .call.call-desk[data-number=" + number + "]";
        String shown = hall.until("instance 1's hall showing the desk call made on instance 2", d -> {
          var found = d.findElements(By.cssSelector(call));
          return found.isEmpty() ? null : found.get(0).getText();
        });
        assertTrue(shown.toLowerCase().contains("desk 2"), "the call as shown: " + shown);
        // every repetition reaches it, once each
        List<Integer> repeats = Screens.awaitSaid(hall, number, "desk", 3, Duration.ofSeconds(3L * Screens.INTERVAL_SEC + 10));
        assertEquals(List.of(1, 2, 3), repeats, "the desk call's sayings on instance 1");
        long listed = hall.findAll("#recent-calls li[data-number=" + number + "]").stream()
            .filter(li -> li.getText().toLowerCase().contains("desk 2")).count();
        assertEquals(1, listed, "the desk call listed once under recent calls");
        assertEquals("live", hall.find("#connection").getAttribute("data-state"));
        hall.assertCleanConsole();
      } finally {
        two.stopServer();
      }
    }
  }
}
