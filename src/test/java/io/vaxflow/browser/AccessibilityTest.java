package io.vaxflow.browser;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.DeviceKit;
import io.vaxflow.support.TestCity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
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

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Screens.FAST)).fresh().browser(1280, 900);

  /** The class's browser, fresh, its viewport that size, its pages taking axe. */
  private static Browser open(int width, int height) {
    browser.reset(width, height);
    Axe.allowInjection(browser);
    return browser;
  }

  /** What axe found on the pages a test checked (each test has its own), reported together at its end. */
  private final List<String> failures = new ArrayList<>();

  @Test
  void publicPagesAndTheNotFoundPages() {
    Browser b = open(1280, 900);
    String base = Screens.base(city);
    for (String lang : LANGS) {
      for (String path : List.of("/", "/book", "/city", "/sitess", "/sites/pudong/kiosc", "/sites/nowhere/hall")) {
        b.get(base + path + "?lang=" + lang);
        settle(b);
        check(b, path + " (" + lang + ")");
      }
      Screens.openHall(b, base, lang);
      check(b, "hall (" + lang + ")");
    }
    assertNone();
  }

  @Test
  void kioskStartTicketAndRefusal() {
    Browser kiosk = open(1080, 1920);
    String base = Screens.base(city);
    for (String lang : LANGS) {
      String url = base + "/sites/pudong/kiosk?lang=" + lang;
      kiosk.get(url);
      kiosk.waitVisible("#voucher-input");
      kiosk.waitVisible("#wait-now-box");
      check(kiosk, "kiosk start (" + lang + ")");

      Screens.kioskWalkIn(kiosk, "Wang Fang", "zh".equals(lang) ? "310101199203030070" : "310101199203030089", 1);
      kiosk.until("the ticket's QR code", d -> d.findElements(By.cssSelector("#ticket-qr svg")).isEmpty() ? null : true);
      check(kiosk, "kiosk ticket (" + lang + ")");

      // the same number looked up: the kiosk shows the ticket it issued
      String number = kiosk.find("#ticket-number").getText().trim();
      kiosk.get(url);
      kiosk.waitVisible("#lookup-open").click();
      kiosk.waitVisible("#lookup-number").sendKeys(number);
      kiosk.find("#lookup-form button[type=submit]").click();
      kiosk.waitVisible("#screen-lookup-result");
      assertEquals(number, kiosk.find("#lookup-result").getAttribute("data-number"));
      assertEquals(number, kiosk.find("#lookup-result-number").getText().trim());
      assertTrue(kiosk.find("#lookup-ahead").getText().trim().matches("[0-9]+"), "people ahead: " + kiosk.find("#lookup-ahead").getText());
      check(kiosk, "kiosk look-up (" + lang + ")");

      kiosk.get(url);
      kiosk.waitVisible("#voucher-input").sendKeys("PD-0000-0000");
      kiosk.find("#voucher-submit").click();
      kiosk.waitVisible("#screen-rejection");
      check(kiosk, "kiosk refusal (" + lang + ")");
    }
    assertNone();
  }

  @Test
  void staffTabletSignInAndAStationHoldingATicket() {
    Browser tablet = open(1280, 800);
    String base = Screens.base(city);
    String number = Screens.walkIn(city, "Lin Xiao", "310101199404040099");
    Screens.scan(city, city.login("door", "1357"), number);
    for (String lang : LANGS) {
      tablet.get(base + "/sites/pudong/staff?lang=" + lang);
      if (lang.equals(LANGS.get(0))) {
        tablet.waitVisible("#staff-id");
        check(tablet, "staff sign-in (" + lang + ")");
        Screens.tabletLogin(tablet, "desk", "1234");
        tablet.waitVisible("#station-select button");
        check(tablet, "staff station choice (" + lang + ")");
        Screens.pickStation(tablet, "desk-1");
        Screens.press(tablet, "next");
      }
      Screens.awaitHoldingACalledTicket(tablet);
      check(tablet, "staff at desk-1 holding " + number + " (" + lang + ")");
    }
    checkSignedOut(tablet, "staff");
    assertNone();
  }

  @Test
  void dashboardSignInAndFigures() {
    Browser dash = open(1440, 900);
    String base = Screens.base(city);
    for (String lang : LANGS) {
      dash.get(base + "/sites/pudong/dashboard?lang=" + lang);
      if (lang.equals(LANGS.get(0))) {
        dash.waitVisible("#staff-id");
        check(dash, "dashboard sign-in (" + lang + ")");
        Screens.tabletLogin(dash, "manager", "2468");
      }
      dash.waitVisible("#dash-view");
      dash.waitFor("#connection[data-state=live]");
      settle(dash);
      check(dash, "dashboard signed in (" + lang + ")");
    }
    checkSignedOut(dash, "dashboard");
    assertNone();
  }

  /**
   * The dashboard's devices at a tablet's size (1280 × 800), in both languages: the list (this browser, enrolled by
   * the demo, and a kiosk enrolled elsewhere), a one-time code with its QR code, the enrol page where a device types
   * it, the new device on the list, and its revocation after a confirmation.
   */
  @Test
  void dashboardDevicesAndTheEnrolPageAtTabletSize() {
    Browser tablet = open(1280, 800);
    String base = Screens.base(city);
    String manager = city.login("manager", "2468");
    DeviceKit.enrol(city, manager, "pudong", "kiosk", "Kiosk by the door", "198.51.100.5");
    for (String lang : LANGS) {
      String name = "Hall east " + lang;
      tablet.get(base + "/sites/pudong/dashboard?lang=" + lang);
      if (lang.equals(LANGS.get(0))) {
        Screens.tabletLogin(tablet, "manager", "2468");
      }
      tablet.waitVisible("#devices-panel");
      tablet.until("the kiosk and this browser listed", d -> d.findElements(By.cssSelector("#devices-body tr[data-device]")).size() >= 2 ? true : null);
      new org.openqa.selenium.support.ui.Select(tablet.find("#enrol-role")).selectByValue("hall");
      tablet.find("#enrol-name").sendKeys(name);
      tablet.find("#enrol-make").click();
      tablet.until("the code's QR code", d -> d.findElements(By.cssSelector("#enrol-qr svg")).isEmpty() ? null : true);
      String code = tablet.find("#enrol-code").getText();
      assertTrue(code.matches("[0-9A-Z]{4}-[0-9A-Z]{4}"), code);
      assertTrue(tablet.find("#enrol-qr").getAttribute("data-content").endsWith("/sites/pudong/enrol?code=" + code));
      settle(tablet);
      check(tablet, "dashboard devices with a code (" + lang + ")");

      // the device: the enrol page, the code typed, enrolled
      tablet.get(base + "/sites/pudong/enrol?lang=" + lang);
      tablet.waitVisible("#enrol-code");
      check(tablet, "enrol page (" + lang + ")");
      tablet.find("#enrol-code").sendKeys(code.toLowerCase(java.util.Locale.ROOT));
      tablet.find("#enrol-submit").click();
      tablet.waitVisible("#enrol-done");
      assertTrue(tablet.find("#enrol-done-text").getText().contains(name), tablet.find("#enrol-done-text").getText());
      assertTrue(tablet.find("#enrol-open").getAttribute("href").contains("/sites/pudong/hall"));
      check(tablet, "enrol page, enrolled (" + lang + ")");

      // back on the dashboard: listed; revoked after the confirmation
      tablet.get(base + "/sites/pudong/dashboard?lang=" + lang);
      String row = "#devices-body tr[data-role=hall]";
      tablet.until(name + " listed", d -> d.findElements(By.cssSelector(row)).stream().anyMatch(e -> e.getText().contains(name)) ? true : null);
      org.openqa.selenium.WebElement revoke = tablet.findAll(row).stream().filter(e -> e.getText().contains(name)).findFirst().orElseThrow()
          .findElement(By.cssSelector("button[data-revoke]"));
      revoke.click();
      tablet.waitVisible("#revoke-dialog");
      check(tablet, "dashboard devices, revoking (" + lang + ")");
      tablet.find("#revoke-yes").click();
      tablet.until(name + " off the list", d -> d.findElements(By.cssSelector(row)).stream().noneMatch(e -> e.getText().contains(name)) ? true : null);
      tablet.until("the revocation said", d -> "ok".equals(tablet.find("#devices-feedback").getAttribute("data-kind")) ? true : null);
      check(tablet, "dashboard devices, revoked (" + lang + ")");
    }
    assertNone();
  }

  /** The page loaded and its live feed (if it has one) connected. */
  private static void settle(Browser b) {
    b.until("the page loaded", d -> "complete".equals(b.js("return document.readyState;")) ? true : null);
    if (!b.findAll("#connection").isEmpty() && b.find("#connection").isDisplayed()) {
      b.until("the page live", d -> d.findElements(By.cssSelector("#connection[data-state=live]")).isEmpty() ? null : true);
    }
  }

  /** Signed out, the staff {@code page} (staff, dashboard) shows its sign-in again (checked in Chinese). */
  private void checkSignedOut(Browser b, String page) {
    b.signOut();
    b.get(Screens.base(city) + "/sites/pudong/" + page + "?lang=zh");
    b.waitVisible("#staff-id");
    check(b, page + " sign-in (zh)");
  }

  private void check(Browser b, String what) {
    try {
      Axe.assertNoViolations(b, what);
    } catch (AssertionError e) {
      failures.add(e.getMessage());
    }
  }

  private void assertNone() {
    if (!failures.isEmpty()) throw new AssertionError(String.join("\n\n", failures));
  }
}
