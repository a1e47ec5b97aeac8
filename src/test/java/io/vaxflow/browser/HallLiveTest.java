package io.vaxflow.browser;

import static io.vaxflow.browser.Screens.INTERVAL_SEC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Browser;
import io.vaxflow.support.TestCity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * SPEC "Users and their screens" and "Live messages", in real browsers: what the kiosk and a staff
 * tablet do shows on the hall display at once, without a reload; each call is said three times and
 * stops once the ticket is acted on (station start, door scan).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HallLiveTest {

  static TestCity city;
  static String base;
  private final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  static void start() {
    Browser.assumeAvailable();
    city = TestCity.start(Screens.FAST);
    base = Screens.base(city);
  }

  @AfterAll
  static void stop() {
    if (city != null) city.close();
  }

  private Browser open(int width, int height) {
    Browser b = Browser.open(width, height);
    browsers.add(b);
    return b;
  }

  @AfterEach
  void quitBrowsers() {
    for (Browser b : browsers) {
      try {
        b.close();
      } catch (RuntimeException e) {
        // the browser is gone already
      }
    }
    browsers.clear();
  }

  @Test
  void kioskCheckInShowsOnTheHallWithoutReload() {
    Browser hall = open(1920, 1080);
    Browser kiosk = open(1080, 1920);
    Screens.openHall(hall, base, "en");
    Map<String, Integer> before = Map.of(
        "hall", Screens.stageCount(hall, "hall"), "room", Screens.stageCount(hall, "room"));
    hall.js("window.__marker = 1;");

    kiosk.get(base + "/sites/pudong/kiosk?lang=en");
    WebElement ticket = Screens.kioskWalkIn(kiosk, "Li Na", "310101199001011234", 1);
    String number = ticket.getAttribute("data-number");
    String stage = ticket.getAttribute("data-stage");
    assertEquals(number, kiosk.find("#ticket-number").getText().trim(), "the big number on the ticket");
    assertTrue(number.matches("W\\d{3,}"), "a walk-in number: " + number);
    assertTrue(before.containsKey(stage), "a walk-in waits in the hall or the room: " + stage);

    hall.until("the hall display's " + stage + " count going from " + before.get(stage) + " to " + (before.get(stage) + 1), d -> {
      String text = d.findElement(By.cssSelector("#stage-counts [data-stage=" + stage + "]")).getText().trim();
      return text.equals(String.valueOf(before.get(stage) + 1)) ? true : null;
    });
    // the walk-in was called to the vaccine room at once (it had seats): the display says so too
    Screens.awaitSaid(hall, number, "room", 1, Browser.WAIT);
    assertEquals(1L, (Long) hall.js("return window.__marker;"), "the hall display was reloaded");

    hall.assertCleanConsole();
    kiosk.assertCleanConsole();
  }

  @Test
  void tabletCallNextIsSaidThreeTimesThenStops() {
    Browser hall = open(1920, 1080);
    Browser tablet = open(1280, 800);
    Screens.openHall(hall, base, "en");
    String door = city.login("door", "1357");
    Duration threeIntervals = Duration.ofSeconds(3L * INTERVAL_SEC);
    Duration sayings = Duration.ofSeconds(3L * INTERVAL_SEC + 10);

    // ---- a desk call is said three times (repeat 1, 2, 3) ----
    String first = Screens.walkIn(city, "Zhang Wei", "310101198501012345");
    Screens.scan(city, door, first);
    tablet.get(base + "/sites/pudong/staff?lang=en");
    Screens.tabletLogin(tablet, "desk", "1234");
    Screens.pickStation(tablet, "desk-1");
    Screens.awaitStationState(tablet, "idle");
    Screens.press(tablet, "next");
    assertEquals(first, Screens.currentTicket(tablet), "the desk called the only ticket in the room");
    Screens.awaitStationState(tablet, "called");

    String call = "#current-calls .call.call-desk[data-number=" + first + "]";
    hall.until("the hall showing " + first + " to desk 1 (1st saying)", d ->
        d.findElements(By.cssSelector(call + "[data-repeat='1'][data-of='3']")).isEmpty() ? null : true);
    hall.until("the 2nd saying", d -> d.findElements(By.cssSelector(call + "[data-repeat='2']")).isEmpty() ? null : true);
    hall.until("the 3rd saying", d -> d.findElements(By.cssSelector(call + "[data-repeat='3']")).isEmpty() ? null : true);
    assertEquals(List.of(1, 2, 3), Screens.awaitSaid(hall, first, "desk", 3, sayings), "the desk call's sayings");
    String shown = hall.find(call).getText();
    assertTrue(shown.contains(first) && shown.toLowerCase().contains("desk 1"), "the call as shown: " + shown);
    Screens.press(tablet, "start");
    Screens.awaitStationState(tablet, "serving");
    Screens.press(tablet, "done");
    Screens.awaitStationState(tablet, "idle");

    // ---- a call stops once the station starts ----
    String second = Screens.walkIn(city, "Chen Jie", "310101198502023456");
    Screens.scan(city, door, second);
    Screens.press(tablet, "next");
    tablet.until("the tablet holding " + second, d -> d.findElement(By.id("current-ticket")).getText().trim().equals(second) ? true : null);
    Screens.awaitSaid(hall, second, "desk", 1, sayings);
    Screens.press(tablet, "start");
    Screens.awaitStationState(tablet, "serving");
    int saidAtStart = Screens.said(hall, second, "desk").size();
    assertTrue(saidAtStart < 3, "started after the first saying, yet said " + saidAtStart + " times");
    assertFalse(hall.within(threeIntervals, d -> Screens.said(hall, second, "desk").size() > saidAtStart),
        "said again after the station started: " + Screens.said(hall, second, "desk"));
    assertEquals(List.of(1, 2, 3), Screens.said(hall, first, "desk"), "the first call was said three times, no more");

    // ---- a room call stops once the door scans it ----
    String third = Screens.walkIn(city, "Huang Min", "310101198503034567");
    Screens.awaitSaid(hall, third, "room", 1, sayings);
    Screens.scan(city, door, third);
    int saidAtScan = Screens.said(hall, third, "room").size();
    assertTrue(saidAtScan < 3, "scanned after the first saying, yet said " + saidAtScan + " times");
    assertFalse(hall.within(threeIntervals, d -> Screens.said(hall, third, "room").size() > saidAtScan),
        "said again after the door scan: " + Screens.said(hall, third, "room"));

    Screens.press(tablet, "done");
    Screens.awaitStationState(tablet, "idle");
    hall.assertCleanConsole();
    tablet.assertCleanConsole();
  }
}
