package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.flow.StationAction;
import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.TestCity;
import io.vaxflow.view.Words;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The staff pages tried as staff would, at a tablet's sizes (1280×800 and 800×1280), in both
 * languages, each checked with axe: the dashboard shows words, not keys, with counts in their
 * plural form and stage names that fit their tiles; the desk offers the actions of its state only;
 * the observation tablet never says nobody is in observation while someone is; the home page leads
 * to every page of a site. One city and one browser for the class; each test leaves the site as it
 * found it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StaffPagesTest {

  private static final List<int[]> SIZES = List.of(new int[] {1280, 800}, new int[] {800, 1280});
  private static final Duration FIGURES = Duration.ofSeconds(20); // the dashboard's figures refresh every 5 s, sooner on a station change
  private static final Path SHOTS = Path.of("target", "screenshots", "staff-pages");

  private static TestCity city;
  private static Browser b;
  private static String base;
  private static String manager;
  private static String observed; // vaccinated, in observation
  private static String waiting;  // in the vaccine room, waiting for a desk

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of("VAXFLOW_ANNOUNCE_REPEATS", "1"))).browser(1280, 800);

  @BeforeAll
  static void start() {
    Axe.allowInjection(b);
    base = Screens.base(city);
    manager = city.login("manager", "2468");
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    String booth = city.login("booth", "4321");
    observed = Screens.walkIn(city, "Zhao Min", "310101199001010012");
    waiting = Screens.walkIn(city, "Qian Li", "310101199001010020");
    Screens.scan(city, door, observed);
    for (String a : List.of("next", "start", "done")) Screens.station(city, desk, "desk-1", a);
    city.openVial("pudong", booth, "booth-1");
    for (String a : List.of("next", "start", "done")) Screens.station(city, booth, "booth-1", a);
    Screens.scan(city, door, waiting);
  }

  @BeforeEach
  void signedOut() {
    b.signOut();
    size(1280, 800);
  }

  @Test
  void theDashboardSaysItsWordsWithTheirPluralsAndItsStageNamesFit() {
    List<String> desks = city.config.site("pudong").map(StaffPagesTest::desks).orElseThrow();
    // every desk paused while one person waits for one: "... while 1 person waits for one."
    for (String d : desks) Screens.station(city, manager, d, "pause");
    try {
      for (String lang : List.of("en", "zh")) {
        b.get(base + "/sites/pudong/dashboard?lang=" + lang);
        if (lang.equals("en")) Screens.tabletLogin(b, "manager", "2468");
        b.waitVisible("#dash-view");
        WebElement alert = b.until("the alert that no desk is open", FIGURES, d -> {
          List<WebElement> found = d.findElements(By.cssSelector("#alerts li[data-code=NO_DESK_OPEN]"));
          return found.isEmpty() ? null : found.get(0);
        });
        String said = alert.findElement(By.cssSelector(".alert-text > span:nth-child(2)")).getText().trim();
        assertEquals(Words.text(lang, "dashboard.alerts.NO_DESK_OPEN", Map.of("value", 1)), said);
        if (lang.equals("en")) assertEquals("Every registration desk is paused while 1 person waits for one.", said);
        String accuracy = b.until("the prediction's accuracy", FIGURES, d -> {
          String text = d.findElement(By.cssSelector("#kpi-wait + .kpi-sub")).getText().trim();
          return text.equals(Words.of(lang).getJsonObject("dashboard").getString("predictedWaitHint")) ? null : text;
        });
        assertEquals(Words.text(lang, "dashboard.predictionAccuracy", Map.of("n", 1, "pct", pctIn(accuracy))), accuracy);
        String samples = b.find("#kpi-to-booth-sub").getText();
        assertTrue(java.util.Arrays.stream(samples.split("·")).map(String::strip)
            .anyMatch(Words.text(lang, "dashboard.samples", Map.of("n", 1))::equals), samples);
        for (int[] size : SIZES) {
          size(size[0], size[1]);
          assertNoKeysShown("dashboard (" + lang + ")");
          assertStageNamesFit(size);
          Axe.assertNoViolations(b, "the dashboard at " + size[0] + "×" + size[1] + " (" + lang + ")");
          b.screenshot(SHOTS.resolve("dashboard-" + lang + "-" + size[0] + "x" + size[1] + ".png"));
        }
        size(1280, 800);
      }
      b.assertCleanConsole();
    } finally {
      for (String d : desks) Screens.station(city, manager, d, "resume");
    }
  }

  @Test
  void aDeskOffersTheActionsOfItsStateOnly() {
    b.get(base + "/sites/pudong/staff?lang=en");
    Screens.tabletLogin(b, "desk", "1234");
    Screens.pickStation(b, "desk-2");
    Screens.awaitStationState(b, "idle");
    // with no patient: call the next one, or pause
    assertEquals(Set.of("next", "pause"), offered());
    assertOffersItsStatesActions("idle");

    Screens.press(b, "next");
    Screens.awaitStationState(b, "called");
    assertEquals(waiting, Screens.currentTicket(b));
    assertEquals(Set.of("recall", "start", "done", "no-show", "return", "transfer"), offered());
    assertOffersItsStatesActions("called");
    for (int[] size : SIZES) {
      size(size[0], size[1]);
      Axe.assertNoViolations(b, "the desk holding a called ticket at " + size[0] + "×" + size[1]);
    }
    size(1280, 800);

    Screens.press(b, "start");
    Screens.awaitStationState(b, "serving");
    assertEquals(Set.of("done", "return", "transfer"), offered());
    assertOffersItsStatesActions("serving");

    Screens.press(b, "return"); // back to the head of the queue, as before the test
    Screens.awaitStationState(b, "idle");
    b.until("only the idle desk's actions offered again", d -> offered().equals(Set.of("next", "pause")) ? true : null);
    b.get(base + "/sites/pudong/staff?lang=zh");
    Screens.awaitStationState(b, "idle");
    assertNoKeysShown("the desk (zh)");
    b.screenshot(SHOTS.resolve("staff-zh-1280x800.png"));
    b.assertCleanConsole();
  }

  @Test
  void theObservationTabletNeverSaysNobodyIsThereWhileSomeoneIs() {
    for (String lang : List.of("en", "zh")) {
      b.signOut();
      b.get(base + "/sites/pudong/observation?lang=" + lang);
      b.waitVisible("#staff-id");
      // what the list shows, at every change, from the sign-in on
      b.js("window.__shown = [];"
          + "new MutationObserver(() => window.__shown.push({"
          + "  list: !document.getElementById('list-view').hidden,"
          + "  empty: !document.getElementById('observation-empty').hidden,"
          + "  rows: document.querySelectorAll('#observation-people tr').length,"
          + "  count: document.getElementById('observation-count').textContent"
          + "})).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});");
      Screens.tabletLogin(b, "observer", "9753");
      b.waitVisible("#observation-people tr[data-number=" + observed + "]");
      // the list as polled again (every 3 s), with its countdown ticking every second in between
      b.until("the list fetched twice", d -> ((Number) b.js(
          "return performance.getEntriesByType('resource').filter(e => /\\/observation$/.test(e.name)).length;")).intValue() >= 2 ? true : null);
      b.until("the second answer shown", d -> ((Number) b.js("return window.__shown.length;")).intValue() > 0 ? true : null);
      List<Object> nobody = b.js("return window.__shown.filter(s => s.list && (s.empty || (s.rows === 0 && s.count !== '')))"
          + ".map(s => JSON.stringify(s));");
      assertEquals(List.of(), nobody, "the observation list said nobody was there while " + observed + " was (" + lang + ")");
      assertEquals(Words.text(lang, "observation.count", Map.of("n", 1)), b.find("#observation-count").getText().trim());
      for (int[] size : SIZES) {
        size(size[0], size[1]);
        assertNoKeysShown("the observation tablet (" + lang + ")");
        Axe.assertNoViolations(b, "the observation tablet at " + size[0] + "×" + size[1] + " (" + lang + ")");
        b.screenshot(SHOTS.resolve("observation-" + lang + "-" + size[0] + "x" + size[1] + ".png"));
      }
      size(1280, 800);
    }
    b.assertCleanConsole();
  }

  @Test
  void theHomePageLeadsToEveryPageOfEverySite() {
    for (String lang : List.of("en", "zh")) {
      b.get(base + "/?lang=" + lang);
      for (SiteConfig site : city.config.sites()) {
        Set<String> links = new TreeSet<>();
        for (WebElement a : b.findAll(".site-links a[href^='/sites/" + site.id() + "/']")) {
          String href = a.getAttribute("href");
          links.add(href.substring(href.indexOf("/sites/" + site.id() + "/") + ("/sites/" + site.id() + "/").length(), href.indexOf('?')));
        }
        assertEquals(new TreeSet<>(List.of("kiosk", "hall", "staff", "observation", "dashboard")), links, site.id() + " (" + lang + ")");
      }
      for (int[] size : SIZES) {
        size(size[0], size[1]);
        Axe.assertNoViolations(b, "the home page at " + size[0] + "×" + size[1] + " (" + lang + ")");
      }
      size(1280, 800);
    }
    b.find(".site-links a[href^='/sites/pudong/observation']").click();
    b.waitVisible("#staff-id");
    assertEquals(Words.of("zh").getJsonObject("staff").getString("loginHeading"), b.find("#login-heading").getText().trim());
    b.assertCleanConsole();
  }

  // ---- helpers ----

  private static List<String> desks(SiteConfig site) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= site.desks(); i++) out.add("desk-" + i);
    return out;
  }

  /** The viewport, resized (CDP, as Browser.open sets it). */
  private static void size(int width, int height) {
    b.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
  }

  /** The desk's action buttons shown and enabled, by their action. */
  private static Set<String> offered() {
    Set<String> out = new TreeSet<>();
    for (WebElement button : b.findAll("#actions button[data-action]")) {
      if (button.isDisplayed() && button.isEnabled()) out.add(button.getAttribute("data-action"));
    }
    return out;
  }

  /** Every action the table says applies in {@code state} is offered (when shown), and no other. */
  private static void assertOffersItsStatesActions(String state) {
    for (StationAction a : StationAction.values()) {
      WebElement button = b.find("#actions button[data-action=" + a.path() + "]");
      if (!button.isDisplayed()) continue;
      boolean applies = a.states().stream().anyMatch(s -> s.wire().equals(state));
      assertEquals(applies, button.isEnabled(), a.path() + " at a desk " + state);
    }
  }

  /** No dictionary key shown as if it were a word ("dashboard.predictionAccuracy"). */
  private static void assertNoKeysShown(String what) {
    String text = b.js("return document.body.innerText;");
    java.util.regex.Matcher key = java.util.regex.Pattern
        .compile("\\b(page|common|errors|dashboard|staff|observation|kiosk|index)\\.[A-Za-z]+").matcher(text);
    if (key.find()) fail(what + " shows the key " + key.group() + ":\n" + text);
  }

  /** Every stage's name fits its tile: neither cut ("Vaccine waitin…") nor running over it. */
  private static void assertStageNamesFit(int[] size) {
    List<Object> cut = b.js("return [...document.querySelectorAll('.dash-stage-name')]"
        + ".filter(n => n.scrollWidth > n.clientWidth + 1 || n.scrollHeight > n.clientHeight + 1" // +1: sub-pixel rounding
        + "  || n.getBoundingClientRect().right > n.closest('.dash-stage').getBoundingClientRect().right)"
        + ".map(n => n.textContent + ' ' + n.scrollWidth + '/' + n.clientWidth + ' × ' + n.scrollHeight + '/' + n.clientHeight);");
    assertEquals(List.of(), cut, "stage names cut at " + size[0] + "×" + size[1]);
    assertEquals(10L, (Long) b.js("return document.querySelectorAll('.dash-stage-name').length;"), "every stage shown (away among them)");
  }

  /** The percentage a sentence gives ("100% of ..."). */
  private static int pctIn(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s?%").matcher(text);
    assertTrue(m.find(), "a percentage in " + text);
    return Integer.parseInt(m.group(1));
  }
}
