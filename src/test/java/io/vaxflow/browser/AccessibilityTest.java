package io.vaxflow.browser;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.TestCity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * SPEC "Users and their screens" for everyone: axe-core (every rule, experimental ones included)
 * finds no violation on any page, in either language, in the states people see: the kiosk's start,
 * its ticket and a refusal; the hall display live; the staff tablet's sign-in and a station holding
 * a ticket; the dashboard's sign-in and its figures; the 404 pages. One city and one browser (whose
 * pages take axe: their CSP bypassed) for the class, both fresh for each test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccessibilityTest {

  static final List<String> LANGS = ScreenshotTest.LANGS;
  static TestCity city;
  static Browser browser;

  @BeforeAll
  static void start() {
    Browser.assumeAvailable();
    city = TestCity.start(Screens.FAST);
    browser = Browser.open(1280, 900);
  }

  @BeforeEach
  void fresh() {
    city = city.reset();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    if (city != null) city.close();
  }

  /** The class's browser, fresh, its viewport that size, its pages taking axe. */
  private static Browser open(int width, int height) {
    browser.reset(width, height);
    Axe.allowInjection(browser);
    return browser;
  }

  @Test
  void publicPagesAndTheNotFoundPages() {
    List<String> failures = new ArrayList<>();
    Browser b = open(1280, 900);
    String base = Screens.base(city);
    for (String lang : LANGS) {
      for (String path : List.of("/", "/book", "/city", "/sitess", "/sites/pudong/kiosc", "/sites/nowhere/hall")) {
        b.get(base + path + "?lang=" + lang);
        settle(b);
        check(b, path + " (" + lang + ")", failures);
      }
      Screens.openHall(b, base, lang);
      check(b, "hall (" + lang + ")", failures);
    }
    assertNone(failures);
  }

  @Test
  void kioskStartTicketAndRefusal() {
    List<String> failures = new ArrayList<>();
    Browser kiosk = open(1080, 1920);
    String base = Screens.base(city);
    for (String lang : LANGS) {
      String url = base + "/sites/pudong/kiosk?lang=" + lang;
      kiosk.get(url);
      kiosk.waitVisible("#voucher-input");
      kiosk.waitVisible("#wait-now-box");
      check(kiosk, "kiosk start (" + lang + ")", failures);

      Screens.kioskWalkIn(kiosk, "Wang Fang", "zh".equals(lang) ? "310101199203030070" : "310101199203030089", 1);
      kiosk.until("the ticket's QR code", d -> d.findElements(By.cssSelector("#ticket-qr svg")).isEmpty() ? null : true);
      check(kiosk, "kiosk ticket (" + lang + ")", failures);

      kiosk.get(url);
      kiosk.waitVisible("#voucher-input").sendKeys("PD-0000-0000");
      kiosk.find("#voucher-submit").click();
      kiosk.waitVisible("#screen-rejection");
      check(kiosk, "kiosk refusal (" + lang + ")", failures);
    }
    assertNone(failures);
  }

  @Test
  void staffTabletSignInAndAStationHoldingATicket() {
    List<String> failures = new ArrayList<>();
    Browser tablet = open(1280, 800);
    String base = Screens.base(city);
    String number = Screens.walkIn(city, "Lin Xiao", "310101199404040099");
    Screens.scan(city, city.login("door", "1357"), number);
    for (String lang : LANGS) {
      tablet.get(base + "/sites/pudong/staff?lang=" + lang);
      if (lang.equals(LANGS.get(0))) {
        tablet.waitVisible("#staff-id");
        check(tablet, "staff sign-in (" + lang + ")", failures);
        Screens.tabletLogin(tablet, "desk", "1234");
        tablet.waitVisible("#station-select button");
        check(tablet, "staff station choice (" + lang + ")", failures);
        Screens.pickStation(tablet, "desk-1");
        Screens.press(tablet, "next");
      }
      Screens.awaitHoldingACalledTicket(tablet);
      check(tablet, "staff at desk-1 holding " + number + " (" + lang + ")", failures);
    }
    tablet.driver.manage().deleteAllCookies();
    tablet.get(base + "/sites/pudong/staff?lang=zh");
    tablet.waitVisible("#staff-id");
    check(tablet, "staff sign-in (zh)", failures);
    assertNone(failures);
  }

  @Test
  void dashboardSignInAndFigures() {
    List<String> failures = new ArrayList<>();
    Browser dash = open(1440, 900);
    String base = Screens.base(city);
    for (String lang : LANGS) {
      dash.get(base + "/sites/pudong/dashboard?lang=" + lang);
      if (lang.equals(LANGS.get(0))) {
        dash.waitVisible("#staff-id");
        check(dash, "dashboard sign-in (" + lang + ")", failures);
        dash.find("#staff-id").sendKeys("manager");
        dash.find("#staff-pin").sendKeys("2468");
        dash.find("#login-form button[type=submit]").click();
      }
      dash.waitVisible("#dash-view");
      dash.waitFor("#connection[data-state=live]");
      settle(dash);
      check(dash, "dashboard signed in (" + lang + ")", failures);
    }
    dash.driver.manage().deleteAllCookies();
    dash.get(base + "/sites/pudong/dashboard?lang=zh");
    dash.waitVisible("#staff-id");
    check(dash, "dashboard sign-in (zh)", failures);
    assertNone(failures);
  }

  /** The page loaded and its live feed (if it has one) connected. */
  private static void settle(Browser b) {
    b.until("the page loaded", d -> "complete".equals(b.js("return document.readyState;")) ? true : null);
    if (!b.findAll("#connection").isEmpty() && b.find("#connection").isDisplayed()) {
      b.until("the page live", d -> d.findElements(By.cssSelector("#connection[data-state=live]")).isEmpty() ? null : true);
    }
  }

  private static void check(Browser b, String what, List<String> failures) {
    try {
      Axe.assertNoViolations(b, what);
    } catch (AssertionError e) {
      failures.add(e.getMessage());
    }
  }

  private static void assertNone(List<String> failures) {
    if (!failures.isEmpty()) throw new AssertionError(String.join("\n\n", failures));
  }
}
