package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.Ids;
import io.vaxflow.support.NetworkCut;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Issue 15, "The ticket on the phone", in Chromium: the page of a fresh ticket's link (its QR code)
 * on a 390×844 and a 320×640 phone fits the screen, counts the people ahead down without a reload
 * as they are served, fills the screen with the call (vibrating, notifying) within 2 s of it being
 * made, and says "released" at the end; cut off for 30 s while its ticket moves on and is called,
 * it says so and catches up by itself; with the default font doubled or zoomed to 200% nothing
 * scrolls sideways on the 320 px one; axe finds nothing at either size in either language; and nothing the page
 * receives (its HTML, every HTTP answer, every WebSocket frame, recorded in the page) holds a name,
 * an ID number or a phone number. One city and one browser for the class, both fresh for each test.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PhonePageTest {

  /** The figure: the call on the phone within 2 s of it being made. */
  static final Duration CALL_SHOWN = Duration.ofSeconds(2);
  /**
   * The cut: 30 s. The page takes a link for dead once the bridge's 10 s heartbeat is
   * overdue (15 s quiet, then a 3 s probe), so a shorter cut would not test that it notices.
   */
  static final Duration CUT = Duration.ofSeconds(30);
  /** Records, in the page, every WebSocket frame and HTTP answer it receives, before its scripts run. */
  private static final String WIRE_RECORDER = """
      (() => {
      window.__wire = [];
      const Ws = window.WebSocket;
      window.WebSocket = function (...args) {
        const ws = new Ws(...args);
        ws.addEventListener('message', (e) => window.__wire.push(String(e.data)));
        return ws;
      };
      window.WebSocket.prototype = Ws.prototype;
      Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
      const f = window.fetch;
      window.fetch = (...args) => f(...args).then((r) => { r.clone().text().then((t) => window.__wire.push(t)); return r; });
      window.__vibrated = [];
      navigator.vibrate = (p) => { window.__vibrated.push(p); return true; };
      window.__notified = [];
      window.Notification = class {
        static permission = 'default';
        static requestPermission() { window.Notification.permission = 'granted'; return Promise.resolve('granted'); }
        constructor(title, o) { window.__notified.push({ title, body: o && o.body, tag: o && o.tag }); }
        close() {}
      };
      })();
      """;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Screens.FAST)).fresh().browser(390, 844);
  static TestCity city;
  static Browser phone;

  // ---- the flow, at both sizes ----

  @Test
  void onA390PhoneAFreshTicketIsFollowedToTheEndAndCatchesUpAfterThirtySecondsCutOff() {
    try (NetworkCut net = NetworkCut.to(city.port())) {
      followToTheEnd(390, 844, "en", net);
    }
  }

  @Test
  void onA320PhoneAFreshTicketIsFollowedToTheEnd() {
    followToTheEnd(320, 640, "zh", null);
  }

  /** The kiosk prints the ticket's link as its QR code: the phone page it opens is the ticket's. */
  @Test
  void theKiosksTicketQrCodeOpensTheTicketsPhonePage() {
    Browser kiosk = open(1080, 1920);
    kiosk.get(Screens.base(city) + "/sites/" + Screens.SITE + "/kiosk?lang=zh");
    String number = Screens.kioskWalkIn(kiosk, "Hu Dan", Ids.valid("31010119940404111"), 1).getAttribute("data-number");
    String qr = kiosk.find("#ticket-qr").getAttribute("data-url");
    JsonObject shown = FlowKit.ticket(city, number);
    assertTrue(qr.startsWith("http://localhost:" + city.port() + "/t/" + Screens.SITE + "/" + number + "?k="), qr);
    assertTrue(qr.endsWith("&lang=zh"), qr);
    URI link = URI.create(qr);
    Browser b = open(390, 844);
    b.get(Screens.base(city) + link.getPath() + "?" + link.getQuery());
    awaitLive(b, Browser.WAIT);
    assertEquals(number, b.find("#number").getText());
    assertEquals(shown.getString("where"), b.find("#ticket").getAttribute("data-where"));
    assertEquals("zh-CN", b.js("return document.documentElement.lang;"));
  }

  /**
   * Two people ahead of a fresh walk-in (one called to the room's one seat, one first in the hall);
   * they are served, then the ticket: its page shows each step. With {@code net}, the page is
   * loaded through it and cut off for {@link #CUT} once the first is served (the page counting it
   * live), while the second is served and the ticket called.
   */
  private static void followToTheEnd(int width, int height, String lang, NetworkCut net) {
    FlowKit.capacities(city, null, 1);
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    String booth = city.login("booth", "4321");
    city.openVial(Screens.SITE, booth, "booth-3"); // a shot at a booth comes from its open vial (main's stock)
    String observer = city.login("observer", "9753");
    String first = Screens.walkIn(city, "Tang Yi", Ids.valid("31010119910101111"));
    String second = Screens.walkIn(city, "Tang Er", Ids.valid("31010119910101222"));
    JsonObject ticket = city.walkIn(Screens.SITE, "Tang San", Ids.valid("31010119910101333"));
    String number = ticket.getString("number");
    URI link = URI.create(ticket.getString("trackUrl"));
    // PUBLIC_URL unset: the local origin the server listens on
    assertEquals("http://localhost:" + city.port(), link.getScheme() + "://" + link.getAuthority());

    Browser b = open(width, height);
    Object recorder = b.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WIRE_RECORDER)).get("identifier");
    try {
      follow(b, width, height, lang, net, number, link, first, second, door, desk, booth, observer);
    } finally {
      b.driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", recorder));
    }
  }

  private static void follow(Browser b, int width, int height, String lang, NetworkCut net, String number, URI link,
                             String first, String second, String door, String desk, String booth, String observer) {
    String base = net == null ? Screens.base(city) : Screens.base(net.port());
    b.get(base + link.getPath() + "?" + link.getQuery() + "&lang=" + lang);
    awaitLive(b, Browser.WAIT);
    b.js("window.__loadedOnce = true;"); // gone if the page reloads
    assertEquals(number, b.find("#number").getText());
    assertEquals("1", ahead(b), "one ahead: the second walk-in, first in the hall");
    assertEquals("hall", b.find("#ticket").getAttribute("data-where"));
    assertFits(b, "a fresh ticket at " + width + "×" + height);
    b.find("#notify").click(); // the person allows notifications (the page's button)
    b.until("notifications on", d -> d.findElement(By.id("notify-state")).getText().isEmpty() ? null : true);
    assertTrue(b.find("#notify").getAttribute("hidden") != null, "the button goes once allowed");
    shot(b, "phone-" + width + "-" + lang + "-waiting");

    // the one ahead of the second is served: the room's seat goes to the second, nobody is ahead
    serve(door, desk, first, "desk-1");
    b.until("nobody ahead, without a reload", d -> "0".equals(ahead(b)) ? true : null);
    assertEquals(Boolean.TRUE, b.js("return window.__loadedOnce === true;"), "no reload");
    long cutAt = 0;
    if (net != null) {
      cutAt = System.nanoTime();
      net.cut();
    }
    // the second goes in: this ticket is called to the room
    long calledAt = System.nanoTime();
    serve(door, desk, second, "desk-2");
    if (net == null) {
      awaitCall(b, "room", CALL_SHOWN);
      System.out.printf("phone %d×%d showed the room call %.0f ms after the request that made it%n", width, height,
          (System.nanoTime() - calledAt) / 1e6);
    } else {
      b.until("#connection to say offline", Duration.ofSeconds(25),
          d -> d.findElements(By.cssSelector("#connection[data-state=offline]")).isEmpty() ? null : true);
      System.out.printf("phone showed offline %.1f s after the cut%n", (System.nanoTime() - cutAt) / 1e9);
      assertFalse((Boolean) b.js("return document.getElementById('call').open;"), "no call shown while cut off");
      assertEquals("0", ahead(b), "the page still shows what it last knew");
      HallOfflineTest.sleepUntil(cutAt, CUT);
      net.restore();
      long back = System.nanoTime();
      awaitCall(b, "room", Duration.ofSeconds(20));
      awaitLive(b, Duration.ofSeconds(30));
      System.out.printf("phone caught up %.1f s after the network came back (cut for %.0f s)%n",
          (System.nanoTime() - back) / 1e9, (back - cutAt) / 1e9);
    }
    assertFits(b, "the call at " + width + "×" + height);
    assertFullScreen(b, "the call at " + width + "×" + height);
    shot(b, "phone-" + width + "-" + lang + "-called");
    assertFalse(((List<?>) b.js("return window.__vibrated;")).isEmpty(), "the phone vibrated");
    List<?> notes = b.js("return window.__notified;");
    assertEquals(1, notes.size(), "one notification for the call: " + notes);
    assertTrue(notes.get(0).toString().contains(number), notes.toString());

    // the door lets it in: the call screen goes; the desk calls it, it is served, vaccinated, released
    Screens.scan(city, door, number);
    b.until("the call screen gone once in the room", d -> d.findElement(By.id("call")).isDisplayed() ? null : true);
    Screens.station(city, desk, "desk-3", "next");
    awaitCall(b, "desk", CALL_SHOWN);
    assertTrue(b.find("#call-text").getText().contains("3"), "desk 3: " + b.find("#call-text").getText());
    Screens.station(city, desk, "desk-3", "start");
    b.until("the call screen gone once at the desk", d -> d.findElement(By.id("call")).isDisplayed() ? null : true);
    Screens.station(city, desk, "desk-3", "done");
    Screens.station(city, booth, "booth-1", "next");
    Screens.station(city, booth, "booth-2", "next");
    Screens.station(city, booth, "booth-3", "next");
    awaitCall(b, "booth", CALL_SHOWN);
    b.find("#call-ok").click();
    Screens.station(city, booth, "booth-3", "start");
    Screens.station(city, booth, "booth-3", "done");
    FlowKit.ok(city.post(Screens.API + "/observation/" + number + "/release", observer, new JsonObject()), "release");
    awaitCall(b, "exit", CALL_SHOWN);
    b.find("#call-ok").click();
    b.until("released", d -> d.findElements(By.cssSelector("#ticket[data-where=released]")).isEmpty() ? null : true);
    assertTrue(b.find("#where").getText().contains("en".equals(lang) ? "all done" : "全部完成"), b.find("#where").getText());
    assertTrue(b.find("#facts").getAttribute("hidden") != null, "no people ahead or wait at the end");
    assertEquals(Boolean.TRUE, b.js("return window.__loadedOnce === true;"), "never reloaded");
    assertFits(b, "the end at " + width + "×" + height);
    shot(b, "phone-" + width + "-" + lang + "-released");

    // everything the page received: its ticket, nobody's name, ID number or phone
    List<String> wire = b.js("return window.__wire;");
    String received = String.join("\n", wire);
    assertTrue(wire.size() > 5, "the recorder saw the page's traffic: " + wire.size());
    for (String personal : List.of("Tang", "3101011991010", "13800138000")) {
      assertFalse((b.driver.getPageSource() + received).contains(personal), "the page received " + personal);
    }
    for (String field : List.of("idNumber", "phone", "\\\"name\\\"", "\"name\"")) {
      assertFalse(received.contains(field), "a message to the page holds " + field + ": " + received);
    }
    b.assertCleanConsole(net == null ? m -> false : HallOfflineTest.CUT_OFF);
  }

  // ---- sizes ----

  @Test
  void at320WithTheDefaultFontDoubledOrAt200PercentZoomNothingScrollsSideways() {
    FlowKit.capacities(city, null, 1);
    Screens.walkIn(city, "Feng Yi", Ids.valid("31010119920202222")); // called to the room's one seat: the ticket waits in the hall
    JsonObject ticket = city.walkIn(Screens.SITE, "Feng Lan", Ids.valid("31010119920202111"));
    URI link = URI.create(ticket.getString("trackUrl"));
    String url = Screens.base(city) + link.getPath() + "?" + link.getQuery();
    // the narrowest phone (the 390 px one fits with the default font: the flow above)
    for (int[] size : new int[][] {{320, 640}}) {
      for (String lang : List.of("en", "zh")) {
        Browser b = open(size[0], size[1]);
        b.get(url + "&lang=" + lang);
        awaitLive(b, Browser.WAIT);
        double normal = fontPx(b, "#where .primary");
        assertFits(b, lang + " " + size[0] + "×" + size[1]);
        shot(b, "phone-" + size[0] + "-" + lang + "-font16");

        // the browser's default font 16 → 32 px: the text grows with it, the page still fits
        b.driver.executeCdpCommand("Page.setFontSizes", Map.of("fontSizes", Map.of("standard", 32, "fixed", 26)));
        b.get(url + "&lang=" + lang);
        awaitLive(b, Browser.WAIT);
        assertEquals(2 * normal, fontPx(b, "#where .primary"), 0.5, "the text doubles with the default font");
        assertFits(b, lang + " " + size[0] + "×" + size[1] + ", default font 32 px");
        shot(b, "phone-" + size[0] + "-" + lang + "-font32");
        b.driver.executeCdpCommand("Page.setFontSizes", Map.of("fontSizes", Map.of("standard", 16, "fixed", 13)));

        // 200% zoom: half as many CSS pixels across, each two device pixels
        b.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
            Map.of("width", size[0] / 2, "height", size[1] / 2, "deviceScaleFactor", 2, "mobile", false));
        b.get(url + "&lang=" + lang);
        awaitLive(b, Browser.WAIT);
        assertFits(b, lang + " " + size[0] + "×" + size[1] + " at 200%");
        shot(b, "phone-" + size[0] + "-" + lang + "-zoom200");
      }
    }
  }

  // ---- accessibility ----

  @Test
  void axeFindsNothingAt320And390InBothLanguagesWaitingAndCalled() {
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    FlowKit.capacities(city, null, 1);
    String first = Screens.walkIn(city, "Bai Yi", Ids.valid("31010119930303111"));
    JsonObject ticket = city.walkIn(Screens.SITE, "Bai Er", Ids.valid("31010119930303222"));
    URI link = URI.create(ticket.getString("trackUrl"));
    String url = Screens.base(city) + link.getPath() + "?" + link.getQuery();
    for (String lang : List.of("zh", "en")) {
      for (int[] size : new int[][] {{320, 640}, {390, 844}}) {
        Browser b = open(size[0], size[1]);
        Axe.allowInjection(b);
        b.get(url + "&lang=" + lang);
        awaitLive(b, Browser.WAIT);
        Axe.assertNoViolations(b, "the phone page, " + lang + ", " + size[0] + "×" + size[1]);
      }
    }
    serve(door, desk, first, "desk-1"); // the ticket is called to the room
    for (String lang : List.of("zh", "en")) {
      Browser b = open(390, 844);
      Axe.allowInjection(b);
      b.get(url + "&lang=" + lang);
      awaitCall(b, "room", Browser.WAIT);
      Axe.assertNoViolations(b, "the phone page's call, " + lang);
      shot(b, "phone-390-" + lang + "-call");
      b.js("sessionStorage.clear();"); // the call shown is remembered by the tab: the next page shows it again
    }
  }

  // ---- helpers ----

  private static Browser open(int width, int height) {
    return phone.reset(width, height);
  }

  /** The door lets {@code number} into the room and {@code station} registers it: its room seat is free again. */
  private static void serve(String door, String desk, String number, String station) {
    Screens.scan(city, door, number);
    Screens.station(city, desk, station, "next");
    Screens.station(city, desk, station, "start");
    Screens.station(city, desk, station, "done");
  }

  private static void awaitLive(Browser b, Duration timeout) {
    b.until("#connection live", timeout, d -> d.findElements(By.cssSelector("#connection[data-state=live]")).isEmpty() ? null : true);
  }

  private static void awaitCall(Browser b, String toKind, Duration timeout) {
    try {
      b.until("the call to " + toKind + " on the whole screen", timeout, (WebDriver d) -> {
        var call = d.findElement(By.id("call"));
        return call.isDisplayed() && toKind.equals(call.getAttribute("data-to")) ? true : null;
      });
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("no call to " + toKind + " on the screen: " + b.js("""
          const t = document.getElementById('ticket').dataset, c = document.getElementById('call');
          return JSON.stringify({ ticket: { ...t }, open: c.open, to: c.dataset.to, connection: document.getElementById('connection').dataset.state,
            answered: { ...sessionStorage }, view: document.body.dataset.view });
          """) + "; console " + b.console(), e);
    }
  }

  private static String ahead(Browser b) {
    return b.find("#ahead").getText().trim();
  }

  private static double fontPx(Browser b, String css) {
    return Double.parseDouble(b.js("return getComputedStyle(document.querySelector(arguments[0])).fontSize;", css)
        .toString().replace("px", ""));
  }

  /** Nothing scrolls sideways, and the number and everything shown lies within the screen's width. */
  private static void assertFits(Browser b, String what) {
    Map<String, Object> m = b.js("""
        const w = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')].filter((e) => {
          if (!e.getClientRects().length || e.closest('.sr-only')) return false; // hidden, or for screen readers only
          const r = e.getBoundingClientRect();
          return r.width > 0 && (r.left < -0.5 || r.right > w + 0.5);
        }).map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().left)
          + '..' + Math.round(e.getBoundingClientRect().right));
        return { scroll: document.documentElement.scrollWidth, width: w, wide };
        """);
    assertTrue(((Number) m.get("scroll")).longValue() <= ((Number) m.get("width")).longValue(),
        what + ": the page scrolls sideways: " + m);
    assertTrue(((List<?>) m.get("wide")).isEmpty(), what + ": outside the screen's width: " + m.get("wide"));
  }

  /** The call covers the whole screen, the number on it, nothing of the ticket's page showing beside it. */
  private static void assertFullScreen(Browser b, String what) {
    Map<String, Object> m = b.js("""
        const r = document.getElementById('call').getBoundingClientRect();
        const n = document.getElementById('call-number').getBoundingClientRect();
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, w: document.documentElement.clientWidth,
          h: window.innerHeight, modal: document.getElementById('call').matches(':modal'), number: n.width > 0 && n.height > 0 };
        """);
    double w = ((Number) m.get("w")).doubleValue(), h = ((Number) m.get("h")).doubleValue();
    assertTrue(((Number) m.get("left")).doubleValue() <= 0.5 && ((Number) m.get("top")).doubleValue() <= 0.5
        && ((Number) m.get("right")).doubleValue() >= w - 0.5 && ((Number) m.get("bottom")).doubleValue() >= h - 0.5,
        what + ": the call does not cover the screen: " + m);
    assertEquals(Boolean.TRUE, m.get("modal"), what + ": the call is modal (the page behind it inert): " + m);
    assertEquals(Boolean.TRUE, m.get("number"), what + ": the number is on the call: " + m);
  }

  /** target/screenshots/phone/{name}.png; the ones the README shows also to docs/screenshots with -Dscreenshots.update=true. */
  private static void shot(Browser b, String name) {
    b.js("window.scrollTo(0, 0);");
    b.screenshot(ScreenshotTest.OUT.resolve("phone").resolve(name + ".png"));
    String doc = Map.of("phone-390-en-waiting", "phone-en", "phone-320-zh-waiting", "phone-zh",
        "phone-390-zh-call", "phone-call-zh").get(name);
    if (ScreenshotTest.UPDATE && doc != null) b.screenshot(ScreenshotTest.DOCS.resolve(doc + ".png"));
  }
}
