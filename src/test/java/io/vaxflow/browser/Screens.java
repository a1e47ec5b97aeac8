package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaxflow.support.Browser;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** What the browser tests do on the kiosk, hall display and staff tablet, by the ids the pages expose. */
final class Screens {

  static final String SITE = FlowKit.SITE;
  static final String API = FlowKit.API;
  /** Calls said three times one second apart: the tests see every repetition quickly. */
  static final int INTERVAL_SEC = 1;
  static final Map<String, String> FAST = Map.of(
      "VAXFLOW_ANNOUNCE_INTERVALSEC", String.valueOf(INTERVAL_SEC), "VAXFLOW_ANNOUNCE_REPEATS", "3");

  private Screens() {}

  static String base(TestCity city) {
    return "http://127.0.0.1:" + city.port();
  }

  static String base(int port) {
    return "http://127.0.0.1:" + port;
  }

  // ---- hall display ----

  static void openHall(Browser hall, String base, String lang) {
    hall.get(base + "/sites/" + SITE + "/hall?lang=" + lang);
    waitLive(hall, Browser.WAIT);
    // the connection's states from now on, for a failure's message
    hall.js("const c = document.getElementById('connection'); window.__connection = [];"
        + "new MutationObserver(() => window.__connection.push(c.dataset.state + ' ' + new Date().toISOString().slice(11, 23)))"
        + ".observe(c, { attributes: true, attributeFilter: ['data-state'] });");
  }

  static void waitLive(Browser hall, Duration timeout) {
    hall.until("#connection[data-state=live]", timeout,
        d -> d.findElements(By.cssSelector("#connection[data-state=live]")).isEmpty() ? null : true);
  }

  /** The number a stage tile shows, once it shows one. */
  static int stageCount(Browser hall, String stage) {
    return hall.until("a count in the " + stage + " tile", d -> {
      String text = d.findElement(By.cssSelector("#stage-counts [data-stage=" + stage + "]")).getText().trim();
      return text.matches("\\d+") ? Integer.valueOf(text) : null;
    });
  }

  /** The repeat numbers the hall has said (shown) for the calls of {@code number} to {@code toKind}, in order. */
  static List<Integer> said(Browser hall, String number, String toKind) {
    List<Object> repeats = hall.js(
        "return [...document.querySelectorAll('#said li')]"
            + ".filter(li => li.dataset.number === arguments[0] && li.dataset.to === arguments[1])"
            + ".map(li => Number(li.dataset.repeat));", number, toKind);
    List<Integer> out = new ArrayList<>();
    for (Object r : repeats) out.add(((Number) r).intValue());
    return out;
  }

  /** Waits until the hall has said that call at least {@code n} times; returns the repeats said. */
  static List<Integer> awaitSaid(Browser hall, String number, String toKind, int n, Duration timeout) {
    try {
      return hall.until("the hall saying " + number + " to " + toKind + " " + n + " time(s)", timeout, d -> {
        List<Integer> s = said(hall, number, toKind);
        return s.size() >= n ? s : null;
      });
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("the hall said " + number + " to " + toKind + " " + said(hall, number, toKind).size()
          + " time(s), not " + n + ", within " + timeout.toSeconds() + " s; its sayings " + sayings(hall) + ", connection "
          + hall.find("#connection").getAttribute("data-state") + " (since it was live: " + hall.js("return window.__connection;")
          + "), console " + hall.console(), e);
    }
  }

  /** {@code #said li} as "callId#repeat" strings, in order. */
  static List<String> sayings(Browser hall) {
    return hall.js("return [...document.querySelectorAll('#said li')].map(li => li.dataset.callId + '#' + li.dataset.repeat);");
  }

  /** The event ids listed under "recent calls", top to bottom. */
  static List<String> recentEventIds(Browser hall) {
    return hall.js("return [...document.querySelectorAll('#recent-calls li[data-event-id]')].map(li => li.dataset.eventId);");
  }

  /**
   * After a reconnection: every {@code missed} call is listed once under recent calls (as is
   * {@code lastSeen}, the last call seen before), no saying is shown twice, each missed call is said
   * at most once, and the call seen before (said three times then) is not said again.
   */
  static void assertCaughtUpOnce(Browser hall, List<String> missed, String lastSeen) {
    hall.until("every missed call under recent calls", Duration.ofSeconds(20),
        d -> new java.util.HashSet<>(recentEventIds(hall)).containsAll(missed) ? true : null);
    List<String> recent = recentEventIds(hall);
    for (String id : missed) assertEquals(1, java.util.Collections.frequency(recent, id), "missed call " + id + " listed once: " + recent);
    assertEquals(1, java.util.Collections.frequency(recent, lastSeen), "the call seen before listed once: " + recent);
    assertEquals(recent.size(), new java.util.HashSet<>(recent).size(), "a call listed twice: " + recent);
    List<String> sayings = sayings(hall);
    assertEquals(sayings.size(), new java.util.HashSet<>(sayings).size(), "a saying shown twice: " + sayings);
    for (String id : missed) {
      long n = sayings.stream().filter(s -> s.startsWith(id + "#")).count();
      org.junit.jupiter.api.Assertions.assertTrue(n <= 1, "missed call " + id + " shown " + n + " times on reconnection: " + sayings);
    }
    assertEquals(3, sayings.stream().filter(s -> s.startsWith(lastSeen + "#")).count(),
        "the call seen before is not said again: " + sayings);
  }

  // ---- kiosk ----

  /** A walk-in checked in through the kiosk's walk-in form; returns the ticket element once shown. */
  static WebElement kioskWalkIn(Browser kiosk, String name, String idNumber, int dose) {
    kiosk.waitVisible("#walk-in-open").click();
    WebElement nameBox = kiosk.waitVisible("#walkin-name");
    nameBox.sendKeys(name);
    kiosk.find("#walkin-id").sendKeys(idNumber);
    kiosk.find("#walkin-form label.dose-option:has(input[name=dose][value='" + dose + "'])").click();
    assertEquals(Boolean.TRUE, kiosk.js("return document.querySelector(\"#walkin-form input[name=dose][value='" + dose + "']\").checked"));
    kiosk.find("#walkin-form button[type=submit]").click();
    kiosk.until("the ticket screen", d -> {
      if (!d.findElements(By.cssSelector("#screen-rejection:not([hidden])")).isEmpty()) {
        throw new AssertionError("the kiosk refused the check-in: "
            + d.findElement(By.id("rejection")).getAttribute("data-code") + " " + d.findElement(By.id("rejection-title")).getText());
      }
      return d.findElements(By.cssSelector("#screen-ticket:not([hidden]) #ticket[data-number^='W']")).isEmpty() ? null : true;
    });
    return kiosk.find("#ticket");
  }

  // ---- staff tablet ----

  static void tabletLogin(Browser tablet, String staffId, String pin) {
    tablet.waitVisible("#staff-id").sendKeys(staffId);
    tablet.find("#staff-pin").sendKeys(pin);
    tablet.find("#login-form button[type=submit]").click();
  }

  static void pickStation(Browser tablet, String station) {
    tablet.waitVisible("#station-select button[data-station=" + station + "]").click();
    tablet.waitVisible("#station-state[data-state]");
  }

  static void press(Browser tablet, String action) {
    tablet.until("the " + action + " button enabled", d -> {
      WebElement b = d.findElement(By.cssSelector("#actions button[data-action=" + action + "]"));
      return b.isDisplayed() && b.isEnabled() ? b : null;
    }).click();
  }

  static void awaitStationState(Browser tablet, String state) {
    tablet.until("the station " + state, d ->
        d.findElements(By.cssSelector("#station-state[data-state=" + state + "]")).isEmpty() ? null : true);
  }

  /** Waits until the tablet shows its station holding a called ticket, with the patient, queues and a live feed. */
  static void awaitHoldingACalledTicket(Browser tablet) {
    awaitStationState(tablet, "called");
    currentTicket(tablet);
    tablet.waitVisible("#patient");
    tablet.waitFor("#queue-counts .queue-row");
    tablet.waitFor("#connection[data-state=live]");
  }

  /** The number on the tablet's "current patient", once there is one. */
  static String currentTicket(Browser tablet) {
    return tablet.until("a current ticket on the tablet", d -> {
      String n = d.findElement(By.id("current-ticket")).getText().trim();
      return n.isEmpty() ? null : n;
    });
  }

  // ---- API ----

  static String walkIn(TestCity city, String name, String idNumber) {
    return city.walkIn(SITE, name, idNumber).getString("number");
  }

  static void scan(TestCity city, String doorCookie, String number) {
    TestCity.Reply r = city.post(API + "/door/scan", doorCookie, new JsonObject().put("number", number));
    assertEquals(200, r.status(), "door scan " + number + ": " + r.body());
  }

  static JsonObject station(TestCity city, String cookie, String station, String action) {
    TestCity.Reply r = city.post(API + "/stations/" + station + "/" + action, cookie, new JsonObject());
    assertEquals(200, r.status(), station + " " + action + ": " + r.body());
    return r.json();
  }
}
