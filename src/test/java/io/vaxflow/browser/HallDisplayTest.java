package io.vaxflow.browser;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * Issue 15 on the hall display, in Chromium at 1920×1080: every call number, current and recent, at
 * least 60 px tall and no text under 24 px, in both languages (measured in the page: the glyphs' ink
 * by the font's own metrics, each text's computed size), axe-clean; the hall says each call's
 * {@code speech}, Chinese then English, and tells the server whether it can be heard ("on", "off"
 * when the browser refuses sound, "no-voice" when it has no voice: a chime only), which the
 * dashboard shows with an alert; a display closed during a busy minute shows offline on the
 * dashboard within 15 s.
 *
 * <p>Chromium here has no text-to-speech voice: the page gets two (zh-CN, en-GB) and a recording
 * {@code speechSynthesis.speak} from a script the browser runs before the page's own (CDP
 * {@code Page.addScriptToEvaluateOnNewDocument}); a browser that refuses sound without a click is
 * an {@code AudioContext} that stays suspended until a user gesture, as Chromium's is without
 * {@code --autoplay-policy=no-user-gesture-required}.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class HallDisplayTest {

  /** At 1920×1080 from 5 m. */
  static final double MIN_NUMBER_PX = 60;
  static final double MIN_TEXT_PX = 24;
  static final Duration OFFLINE_WITHIN = Duration.ofSeconds(15);

  static TestCity city;
  static Browser browser;
  static String manager;

    // the shipped announcement policy (said 3 times, 8 s apart): a call stays "now calling" 36 s
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of())).browser(1920, 1080);

  @BeforeAll
  static void start() {
    Axe.allowInjection(browser); // for every page of the class (CSP is checked by the other hall tests)
    manager = city.login("manager", "2468");
  }

  // ---- sizes ----

  @Test
  void everyCallNumberIsReadableFromTheBackOfTheHallInBothLanguages() {
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < 8; i++) numbers.add(Screens.walkIn(city, "Size Walker", Ids.resident(29, i)));
    for (String n : numbers.subList(0, 4)) Screens.scan(city, door, n);
    List<String> desks = List.of("desk-1", "desk-2", "desk-3", "desk-4");
    for (String d : desks) Screens.station(city, desk, d, "next");
    try {
      for (String lang : List.of("en", "zh")) {
        for (String d : desks) Screens.station(city, desk, d, "recall"); // four calls "now"
        Screens.openHall(browser, Screens.base(city), lang);
        browser.until("four calls now", d -> d.findElements(By.cssSelector("#current-calls .call")).size() >= 4 ? true : null);
        browser.until("recent calls", d -> d.findElements(By.cssSelector("#recent-calls li")).size() >= 6 ? true : null);
        Map<String, Object> measured = browser.driver.executeAsyncScript(MEASURE) instanceof Map<?, ?> m ? cast(m) : Map.of();

        List<Map<String, Object>> shown = list(measured.get("numbers"));
        long current = shown.stream().filter(n -> "current".equals(n.get("list"))).count();
        long recent = shown.stream().filter(n -> "recent".equals(n.get("list"))).count();
        assertTrue(current >= 4 && recent >= 6, lang + ": a full hall, " + current + " calls now and " + recent + " recent");
        double smallest = Double.MAX_VALUE;
        for (Map<String, Object> n : shown) {
          double glyph = ((Number) n.get("glyph")).doubleValue();
          smallest = Math.min(smallest, glyph);
          assertTrue(glyph >= MIN_NUMBER_PX, lang + ": " + n + " is " + glyph + " px tall");
          assertEquals(Boolean.TRUE, n.get("whole"), lang + ": " + n + " is cut off");
        }
        List<String> small = list(measured.get("small")).stream().map(Object::toString).toList();
        assertTrue(small.isEmpty(), lang + ": text under " + MIN_TEXT_PX + " px: " + small);
        System.out.printf("hall %s at 1920x1080: %d calls now, %d recent; numbers %s px tall (smallest %.1f); "
                + "text sizes %s px (smallest %s)%n", lang, current, recent, measured.get("glyphs"), smallest,
            measured.get("sizes"), measured.get("smallestText"));
        Axe.assertNoViolations(browser, "the hall display (" + lang + ") with a full set of calls");
        browser.screenshot(Path.of("target", "screenshots", "hall-sizes-" + lang + ".png"));
        browser.assertCleanConsole();
      }
    } finally {
      for (String d : desks) Screens.station(city, desk, d, "no-show");
    }
  }

  // ---- speech and sound ----

  @Test
  void theHallSaysEachCallsSpeechInChineseThenEnglishAndTheServerHearsItsSoundIsOn() {
    String stub = addScript(sound(true, false));
    try {
      openHall("jingan", "en");
      awaitSound("on", "the hall's sound on");
      assertFalse(browser.find("#sound-toggle").isDisplayed(), "no \"Turn sound on\" where the browser plays sound");
      String display = displayId("jingan");
      Poll.until("the display's hello on the dashboard", () -> metricsDisplay("jingan", display)
          .map(d -> d.getBoolean("online") && "on".equals(d.getString("sound"))).orElse(false));

      // the first appointment of the day at jingan: A001, called to the vaccine waiting room
      JsonObject booking = city.book("jingan", "Speech Test", "310101198001017770", null);
      TestCity.Reply in = city.post("/api/v1/sites/jingan/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
      assertEquals(201, in.status(), in.body());
      String number = in.json().getJsonObject("ticket").getString("number");
      assertEquals("A001", number);
      JsonObject call = city.get("/api/v1/sites/jingan/calls").array().stream().map(JsonObject.class::cast)
          .filter(c -> number.equals(c.getString("number"))).findFirst().orElseThrow();
      JsonObject speech = call.getJsonObject("speech");
      assertEquals(new JsonObject().put("zh", "A 零零一 号，请到疫苗候诊室。").put("en", "A, zero zero one — please go to the vaccine waiting room."), speech);

      List<Map<String, Object>> said = browser.until("the call said in both languages", d -> {
        List<Map<String, Object>> s = spoken();
        return s.size() >= 2 ? s : null;
      });
      assertEquals(Map.of("text", speech.getString("zh"), "lang", "zh-CN", "voice", "Test Chinese"), said.get(0), "Chinese first: " + said);
      assertEquals(Map.of("text", speech.getString("en"), "lang", "en-GB", "voice", "Test English"), said.get(1), "then English: " + said);
      // the display acknowledged the call, saying its sound is on
      Poll.until("the ack of " + number, () -> metricsDisplay("jingan", display)
          .map(d -> d.getString("lastAckAt") != null && "on".equals(d.getString("sound"))).orElse(false));
      browser.assertCleanConsole();
    } finally {
      removeScript(stub);
    }
  }

  @Test
  void aDisplayWithoutVoicesChimesAndOneWhoseBrowserRefusesSoundOffersTheButtonAndTheDashboardSaysSo() {
    // ---- no voice: the call is shown and acknowledged, chimed, not spoken ----
    String stub = addScript(sound(false, false));
    try {
      openHall("xuhui", "zh");
      awaitSound("no-voice", "the hall's sound: chime only");
      assertFalse(browser.find("#sound-toggle").isDisplayed());
      String display = displayId("xuhui");
      JsonObject booking = city.book("xuhui", "No Voice", "310101198001018888", null);
      assertEquals(201, city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", booking.getString("voucher"))).status());
      browser.until("the call shown", d -> d.findElements(By.cssSelector("#said li")).isEmpty() ? null : true);
      assertEquals(List.of(), spoken(), "nothing said without a voice");
      Poll.until("the dashboard's alert", () -> alertCodes("xuhui", display).contains("DISPLAY_NO_VOICE"));
      assertEquals(Optional.of("no-voice"), metricsDisplay("xuhui", display).map(d -> d.getString("sound")));
    } finally {
      removeScript(stub);
    }

    // ---- the browser refuses sound: "Turn sound on" shows, the display says its sound is off ----
    stub = addScript(sound(true, true));
    try {
      openHall("xuhui", "en");
      browser.waitVisible("#sound-toggle");
      assertEquals("off", browser.find("body").getAttribute("data-sound"));
      String display = displayId("xuhui");
      Poll.until("the dashboard's muted alert", () -> alertCodes("xuhui", display).contains("DISPLAY_MUTED"));
      assertEquals(Optional.of("off"), metricsDisplay("xuhui", display).map(d -> d.getString("sound")));
      Axe.assertNoViolations(browser, "the hall display offering to turn its sound on");

      // a click turns it on; the dashboard hears so
      browser.find("#sound-toggle").click();
      awaitSound("on", "the sound on after the click");
      assertFalse(browser.find("#sound-toggle").isDisplayed());
      Poll.until("the display's sound on", () -> metricsDisplay("xuhui", display).map(d -> "on".equals(d.getString("sound"))).orElse(false));
      assertFalse(alertCodes("xuhui", display).contains("DISPLAY_MUTED"));
      browser.assertCleanConsole();
    } finally {
      removeScript(stub);
    }
  }

  // ---- displays as they are ----

  @Test
  void aDisplayClosedDuringABusyMinuteShowsOfflineOnTheDashboardWithinFifteenSeconds() throws Exception {
    // a desk holds a called ticket and calls it again every second
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    String held = Screens.walkIn(city, "Busy Minute", "310101199909090016");
    Screens.scan(city, door, held);
    Screens.station(city, desk, "desk-1", "next");

    String dashboardTab = browser.driver.getWindowHandle();
    browser.get(Screens.base(city) + "/sites/pudong/dashboard?lang=en");
    Screens.tabletLogin(browser, "manager", "2468");
    browser.waitVisible("#dash-view");
    browser.driver.switchTo().newWindow(WindowType.TAB);
    String hallTab = browser.driver.getWindowHandle();
    Screens.openHall(browser, Screens.base(city), "en");
    String display = displayId("pudong");

    AtomicBoolean busy = new AtomicBoolean(true);
    AtomicInteger calls = new AtomicInteger();
    Thread caller = new Thread(() -> {
      long next = System.nanoTime();
      while (busy.get()) {
        if (city.post(Screens.API + "/stations/desk-1/recall", desk, new JsonObject()).status() == 200) calls.incrementAndGet();
        next += 1_000_000_000L;
        long wait = next - System.nanoTime();
        if (wait > 0) FlowKit.sleep(wait / 1_000_000);
      }
    }, "a call every second");
    caller.start();
    try {
      browser.until("the hall showing the busy desk's calls", d ->
          d.findElements(By.cssSelector("#current-calls .call[data-number=" + held + "]")).isEmpty() ? null : true);
      browser.driver.switchTo().window(dashboardTab);
      browser.until("the display online on the dashboard", Duration.ofSeconds(15), d -> d.findElements(By.cssSelector(
          "#displays li[data-display=" + display + "][data-online=true]")).isEmpty() ? null : true);
      assertEquals(Optional.of(true), metricsDisplay("pudong", display).map(d -> d.getBoolean("online")));
      int before = calls.get();

      browser.driver.switchTo().window(hallTab);
      browser.driver.close();
      long closedAt = System.nanoTime();
      browser.driver.switchTo().window(dashboardTab);
      Poll.until("offline in the metrics", (int) OFFLINE_WITHIN.toSeconds(),
          () -> metricsDisplay("pudong", display).map(d -> !d.getBoolean("online")).orElse(false));
      double json = (System.nanoTime() - closedAt) / 1e9;
      browser.until("offline on the dashboard page", OFFLINE_WITHIN.minusNanos(System.nanoTime() - closedAt), d -> d.findElements(
          By.cssSelector("#displays li[data-display=" + display + "][data-online=false]")).isEmpty() ? null : true);
      double page = (System.nanoTime() - closedAt) / 1e9;
      browser.waitFor("#alerts li[data-code=DISPLAY_OFFLINE][data-subject=" + display + "]");
      browser.screenshot(Path.of("target", "screenshots", "dashboard-display-offline.png"));
      int during = calls.get() - before;
      System.out.printf("a display closed during a call a second: offline in the metrics after %.1f s, on the dashboard after %.1f s"
          + " (%d calls from the display's last look to the dashboard's)%n", json, page, during);
      assertTrue(during > 0, "calls went on");
      browser.assertCleanConsole();
    } finally {
      busy.set(false);
      caller.join(5_000);
      Screens.station(city, desk, "desk-1", "no-show");
    }
  }

  // ---- the page's measurements ----

  /**
   * Every call number on the display (current and recent): the height of its glyphs' ink, by the
   * font it is drawn in (canvas measureText: the capital letter and digits' ascent), and whether it
   * is whole inside its list and the screen; every text node's computed font size (texts shown in
   * other states too: the sound button, "no calls yet"), but screen-reader-only ones.
   */
  private static final String MEASURE = """
      const done = arguments[arguments.length - 1];
      document.fonts.ready.then(() => {
        const ink = document.createElement('canvas').getContext('2d');
        const numbers = [...document.querySelectorAll('#current-calls .call-number, #recent-calls .recent-number')].map((n) => {
          const cs = getComputedStyle(n);
          ink.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
          const m = ink.measureText(n.textContent);
          const r = n.getBoundingClientRect();
          const list = n.closest('ol');
          const box = list.getBoundingClientRect();
          const whole = r.top >= box.top && r.bottom <= box.top + list.clientTop + list.clientHeight + 0.5
            && r.left >= box.left && r.right <= box.right && r.bottom <= innerHeight && r.right <= innerWidth;
          return { list: list.id === 'current-calls' ? 'current' : 'recent', number: n.textContent, fontPx: parseFloat(cs.fontSize),
                   glyph: Math.round((m.actualBoundingBoxAscent + m.actualBoundingBoxDescent) * 10) / 10, whole };
        });
        const small = [];
        const sizes = new Set();
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let t = walk.nextNode(); t; t = walk.nextNode()) {
          if (!t.textContent.trim()) continue;
          const e = t.parentElement;
          if (e.closest('script, style, .sr-only, #said')) continue;
          const px = parseFloat(getComputedStyle(e).fontSize);
          sizes.add(px);
          if (px < 24) small.push(`${px}px ${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className} "${t.textContent.trim().slice(0, 40)}"`);
        }
        const sorted = [...sizes].sort((a, b) => a - b);
        done({ numbers, small, glyphs: [...new Set(numbers.map((n) => n.glyph))].sort((a, b) => a - b),
               sizes: sorted, smallestText: sorted[0] });
      });
      """;

  // ---- the page's sound ----

  /**
   * Runs in every page before its own scripts: {@code voices} gives speechSynthesis a Chinese and
   * an English voice, and every utterance is recorded in {@code window.__spoken} (and ends at once);
   * {@code refuse} makes the AudioContext stay suspended until a user gesture resumes it.
   */
  private static String sound(boolean voices, boolean refuse) {
    return """
        (() => {
          const spoken = window.__spoken = [];
          const voices = %s;
          window.speechSynthesis.getVoices = () => voices;
          window.speechSynthesis.speak = (u) => {
            spoken.push({ text: u.text, lang: u.lang, voice: u.voice ? u.voice.name : null });
            setTimeout(() => { if (u.onend) u.onend({}); }, 20);
          };
          window.SpeechSynthesisUtterance = class {
            constructor(text) { this.text = text; this.lang = ''; this.voice = null; this.rate = 1; this.onend = null; this.onerror = null; }
          };
          if (%s) {
            const Real = window.AudioContext;
            window.AudioContext = class extends Real {
              get state() { return this.allowed ? super.state : 'suspended'; }
              resume() {
                if (!navigator.userActivation.isActive) return new Promise(() => {});
                this.allowed = true;
                return super.resume().then(() => { if (this.onstatechange) this.onstatechange(new Event('statechange')); });
              }
            };
          }
        })();
        """.formatted(voices
            ? "[{ lang: 'zh-CN', name: 'Test Chinese', voiceURI: 'test-zh', localService: true, default: false },"
              + " { lang: 'en-GB', name: 'Test English', voiceURI: 'test-en', localService: true, default: true }]"
            : "[]", refuse);
  }

  private static String addScript(String source) {
    browser.driver.executeCdpCommand("Page.enable", Map.of());
    Map<String, Object> r = browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
    return String.valueOf(r.get("identifier"));
  }

  private static void removeScript(String id) {
    if (id != null) browser.driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
  }

  /** What the page said, blank utterances (the sound button's unlocking one) left out. */
  private static List<Map<String, Object>> spoken() {
    List<Map<String, Object>> out = new ArrayList<>();
    List<Map<String, Object>> all = list(browser.js("return window.__spoken || [];"));
    for (Map<String, Object> u : all) {
      if (!String.valueOf(u.get("text")).isBlank()) out.add(u);
    }
    return out;
  }

  private static String displayId(String site) {
    return browser.until("the display's id", d -> browser.<String>js("return localStorage.getItem(arguments[0]);", "vaxflow.displayId." + site));
  }

  // ---- the dashboard's figures ----

  private static Optional<JsonObject> metricsDisplay(String site, String id) {
    JsonArray displays = city.get("/api/v1/sites/" + site + "/metrics", manager).json().getJsonArray("displays");
    return displays.stream().map(JsonObject.class::cast).filter(d -> id.equals(d.getString("id"))).findFirst();
  }

  private static List<String> alertCodes(String site, String subject) {
    return city.get("/api/v1/sites/" + site + "/metrics", manager).json().getJsonArray("alerts").stream()
        .map(JsonObject.class::cast).filter(a -> subject.equals(a.getString("subject"))).map(a -> a.getString("code")).toList();
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object o) {
    return o instanceof List<?> l ? (List<T>) l : List.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  /** The hall display of {@code site} in {@code lang}, live. */
  private static void openHall(String site, String lang) {
    browser.get(Screens.base(city) + "/sites/" + site + "/hall?lang=" + lang);
    Screens.waitLive(browser, Browser.WAIT);
  }

  /** Waits until the hall says its sound is {@code sound} (its {@code data-sound}: on, off, no-voice). */
  private static void awaitSound(String sound, String what) {
    browser.until(what, d -> sound.equals(browser.find("body").getAttribute("data-sound")) ? true : null);
  }

  /** Bounded polling of the server's answers. */
  private static final class Poll {
    static void until(String what, java.util.function.BooleanSupplier ok) {
      until(what, 10, ok);
    }

    static void until(String what, int seconds, java.util.function.BooleanSupplier ok) {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (!ok.getAsBoolean()) {
        if (System.nanoTime() > end) throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
        FlowKit.sleep(100);
      }
    }
  }
}
