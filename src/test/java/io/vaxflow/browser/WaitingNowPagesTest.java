package io.vaxflow.browser;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Browser;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The figures people read, in a real browser: 8 walk-ins are 8 people waiting on the hall display
 * and on the kiosk (not 16: a ticket called to the room is still in the hall); at night the kiosk
 * says the site is closed, when it opens and its hours, in both languages, and refuses a walk-in.
 * The people waiting away are counted on both, in both languages.
 * One city (on a simulated clock: morning or night as a test sets it) and two browsers for the
 * class, fresh for each test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WaitingNowPagesTest {

  static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  static TestCity city;
  static Browser hallBrowser;
  static Browser kioskBrowser;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Screens.FAST)).fresh();

  @BeforeAll
  static void start() {
    Browser.assumeAvailable();
    hallBrowser = Browser.open(1920, 1080);
    kioskBrowser = Browser.open(1080, 1920);
  }

  @AfterAll
  static void stop() {
    for (Browser b : new Browser[] {hallBrowser, kioskBrowser}) {
      if (b != null) b.close();
    }
  }

  @Test
  void eightWalkInsShowAsEightOnTheHallAndTheKiosk() {
    Browser hall = hallBrowser.reset(1920, 1080);
    Browser kiosk = kioskBrowser.reset(1080, 1920);
    for (int i = 0; i < 8; i++) city.walkIn("pudong", "Walker " + (char) ('A' + i), Ids.resident(11, 1000 + i));
    String base = Screens.base(city);
    Screens.openHall(hall, base, "en");
    hall.until("the hall's total showing 8", d -> d.findElement(By.id("waiting-total")).getText().trim().equals("8") ? true : null);
    int tiles = 0;
    for (String stage : List.of("outside", "hall", "room", "desk", "vaccination")) tiles += Screens.stageCount(hall, stage);
    assertEquals(8, tiles, "the stage tiles count each person once");

    kiosk.get(base + "/sites/pudong/kiosk?lang=en");
    String shown = kiosk.until("the kiosk's waiting figure", d -> {
      String text = d.findElement(By.id("wait-now")).getText().trim();
      return text.isEmpty() ? null : text;
    });
    assertTrue(shown.startsWith("8 people"), shown);
    assertTrue(kiosk.find("#closed-now").getAttribute("hidden") != null, "open at 10:00: no closed notice");
    hall.assertCleanConsole();
    kiosk.assertCleanConsole();
  }

  /**
   * Two of eight wait away from the hall: the hall's total still counts them (8), its "waiting away"
   * tile says 2, the hall tile 6, and the kiosk says "2 waiting away" beside the 8 waiting. The room
   * takes one at a time and three desks are paused, so neither is near enough their turn to be
   * called back (a room call every 3 min: ranks 0-2 only).
   */
  @Test
  void peopleWaitingAwayShowOnTheHallAndTheKiosk() {
    FlowKit.capacities(city, null, 1);
    String desk = city.login("desk", "1234");
    for (String d : List.of("desk-2", "desk-3", "desk-4")) FlowKit.ok(FlowKit.act(city, desk, d, "pause"), "pause " + d);
    for (int i = 0; i < 8; i++) city.walkIn("pudong", "Walker " + (char) ('A' + i), Ids.resident(11, 2000 + i));
    FlowKit.ok(FlowKit.away(city, "W007"), "W007 away");
    FlowKit.ok(FlowKit.away(city, "W008"), "W008 away");
    Browser hall = hallBrowser.reset(1920, 1080);
    Browser kiosk = kioskBrowser.reset(1080, 1920);
    String base = Screens.base(city);
    Screens.openHall(hall, base, "en");
    hall.until("the hall's total showing 8", d -> d.findElement(By.id("waiting-total")).getText().trim().equals("8") ? true : null);
    assertEquals(List.of(2, 6), List.of(Screens.stageCount(hall, "away"), Screens.stageCount(hall, "hall")));
    String tile = hall.find("#stage-counts .stage-away").getText();
    assertTrue(tile.contains("Waiting away") && tile.contains("暂离等候"), "in both languages: " + tile);

    kiosk.get(base + "/sites/pudong/kiosk?lang=en");
    String shown = kiosk.until("the kiosk's away figure", d -> {
      String text = d.findElement(By.id("away-now")).getText().trim();
      return text.isEmpty() ? null : text;
    });
    assertEquals("2 waiting away", shown);
    assertTrue(kiosk.find("#wait-now").getText().startsWith("8 people"), kiosk.find("#wait-now").getText());
    kiosk.get(base + "/sites/pudong/kiosk?lang=zh");
    assertEquals("2 人暂离等候", kiosk.until("the kiosk's away figure in Chinese", d -> {
      String text = d.findElement(By.id("away-now")).getText().trim();
      return text.isEmpty() ? null : text;
    }));
    hall.assertCleanConsole();
    kiosk.assertCleanConsole();
  }

  @Test
  void atNightTheKioskSaysWhenTheSiteOpens() {
    CLOCK.set("2026-11-24T14:31:00Z"); // 22:31 in Shanghai
    Browser kiosk = kioskBrowser.reset(1080, 1920);
    kiosk.get(Screens.base(city) + "/sites/pudong/kiosk?lang=en");
    String notice = kiosk.until("the closed notice", d -> {
      String text = d.findElement(By.id("closed-now")).getText().trim();
      return text.isEmpty() ? null : text;
    });
    assertTrue(notice.contains("Closed — opens at 08:00") && notice.contains("08:00–17:00"), notice);
    assertTrue(notice.contains("已关闭 — 08:00 开放"), "and in Chinese: " + notice);

    kiosk.find("#walk-in-open").click();
    kiosk.find("#walkin-name").sendKeys("Late Walker");
    kiosk.find("#walkin-id").sendKeys("310101199001011234");
    kiosk.find("#walkin-form button[type=submit]").click();
    kiosk.until("the refusal", d -> d.findElements(By.cssSelector("#rejection[data-code=SITE_CLOSED]")).isEmpty() ? null : true);
    String title = kiosk.find("#rejection-title").getText();
    String next = kiosk.find("#rejection-next").getText();
    // what went wrong in the error catalogue's words (errors/ErrorCode), what to do next in the kiosk's
    assertEquals(io.vaxflow.errors.ErrorCode.SITE_CLOSED.message("en"), title);
    assertTrue(next.contains("08:00–17:00") && next.contains("November 25"), next);
    assertEquals(io.vaxflow.errors.ErrorCode.SITE_CLOSED.message("zh"), kiosk.find("#rejection-title-2").getText());
    kiosk.assertCleanConsole(line -> line.contains("409"));
  }
}
