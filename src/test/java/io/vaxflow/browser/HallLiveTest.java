package io.vaxflow.browser;

import static io.vaxflow.browser.Screens.INTERVAL_SEC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.TestCity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * SPEC "Users and their screens" and "Live messages", in real browsers: what the kiosk and a staff
 * tablet do shows on the hall display at once, without a reload; each call is said three times and
 * stops once the ticket is acted on (station start, door scan). One city and two browsers for the
 * class, fresh for each test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HallLiveTest {

  static TestCity city;
  static String base;
  /** The hall display, and the screen beside it (a kiosk, a tablet): two browsers for the class. */
  static Browser hallBrowser;
  static Browser besideBrowser;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Screens.FAST)).fresh();

  @BeforeAll
  static void start() {
    Browser.assumeAvailable();
    hallBrowser = Browser.open(1920, 1080);
    besideBrowser = Browser.open(1280, 800);
  }

  @BeforeEach
  void fresh() {
    base = Screens.base(city);
  }

  @AfterAll
  static void stop() {
    for (Browser b : new Browser[] {hallBrowser, besideBrowser}) {
      if (b != null) b.close();
    }
  }

  @Test
  void kioskCheckInShowsOnTheHallWithoutReload() {
    Browser hall = hallBrowser.reset(1920, 1080);
    Browser kiosk = besideBrowser.reset(1080, 1920);
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
    Browser hall = hallBrowser.reset(1920, 1080);
    Browser tablet = besideBrowser.reset(1280, 800);
    Screens.openHall(hall, base, "en");
    String door = city.login("door", "1357");
    Duration sayings = Duration.ofSeconds(3L * INTERVAL_SEC + 10);

    // ---- a desk call is said three times (repeat 1, 2, 3) ----
    String first = Screens.walkIn(city, "Zhang Wei", "310101198501012351");
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
    String second = Screens.walkIn(city, "Chen Jie", "310101198502023466");
    Screens.scan(city, door, second);
    Screens.press(tablet, "next");
    tablet.until("the tablet holding " + second, d -> d.findElement(By.id("current-ticket")).getText().trim().equals(second) ? true : null);
    Screens.awaitSaid(hall, second, "desk", 1, sayings);
    Screens.press(tablet, "start");
    Screens.awaitStationState(tablet, "serving");
    int saidAtStart = Screens.said(hall, second, "desk").size();
    assertTrue(saidAtStart < 3, "started after the first saying, yet said " + saidAtStart + " times");

    // ---- a room call stops once the door scans it ----
    String third = Screens.walkIn(city, "Huang Min", "310101198503034570");
    Screens.awaitSaid(hall, third, "room", 1, sayings);
    Screens.scan(city, door, third);
    int saidAtScan = Screens.said(hall, third, "room").size();
    assertTrue(saidAtScan < 3, "scanned after the first saying, yet said " + saidAtScan + " times");

    // Neither is said again: a call made after both is said three times, and sayings are claimed in
    // the order they come due and shown in that order, so a later saying of either would be shown first.
    String fourth = Screens.walkIn(city, "Xu Ping", "310101198504045685");
    Screens.awaitSaid(hall, fourth, "room", 3, sayings);
    assertEquals(saidAtStart, Screens.said(hall, second, "desk").size(),
        "said again after the station started: " + Screens.said(hall, second, "desk"));
    assertEquals(saidAtScan, Screens.said(hall, third, "room").size(),
        "said again after the door scan: " + Screens.said(hall, third, "room"));
    assertEquals(List.of(1, 2, 3), Screens.said(hall, first, "desk"), "the first call was said three times, no more");

    Screens.press(tablet, "done");
    Screens.awaitStationState(tablet, "idle");
    hall.assertCleanConsole();
    tablet.assertCleanConsole();
  }
}
