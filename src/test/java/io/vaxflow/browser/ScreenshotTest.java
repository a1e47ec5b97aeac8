package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The kiosk (1080×1920 portrait screen), the hall display (1920×1080 wall screen) and the staff
 * tablet (1280×800) render in both languages without horizontal overflow, and their screenshots.
 * Every run writes the PNGs to {@code target/screenshots/}; {@code -Dscreenshots.update=true} also
 * writes them to {@code docs/screenshots/}, where the README shows them.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ScreenshotTest {

  static final boolean UPDATE = Boolean.getBoolean("screenshots.update");
  static final Path OUT = Path.of("target", "screenshots");
  static final Path DOCS = Path.of("docs", "screenshots");
  static final List<String> LANGS = List.of("en", "zh");

  static TestCity city;
  static String base;
  /** One browser for the class, fresh (and of the screen's size) for each test. */
  static Browser browser;

    // the shipped announcement policy (said 3 times, 8 s apart), as a site would run it
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(java.util.Map.of())).browser(1920, 1080);

  @BeforeAll
  static void start() {
    base = Screens.base(city);
  }

  @Test
  void hallDisplay() {
    // calls to the room, to desks and to a booth, made just now: "now calling" is full
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    List<String> numbers = List.of(
        Screens.walkIn(city, "Zhao Lei", "310101197001010013"), Screens.walkIn(city, "Qian Yu", "310101197001010021"),
        Screens.walkIn(city, "Sun Li", "31010119700101003X"), Screens.walkIn(city, "Zhou Ning", "310101197001010048"),
        Screens.walkIn(city, "Wu Tao", "310101197001010056"), Screens.walkIn(city, "Zheng Hua", "310101197001010064"));
    for (String n : numbers.subList(0, 3)) Screens.scan(city, door, n);
    Screens.station(city, desk, "desk-2", "next");
    Screens.station(city, desk, "desk-2", "start");
    Screens.station(city, desk, "desk-2", "done");
    Screens.station(city, city.login("booth", "4321"), "booth-1", "next");
    Screens.station(city, desk, "desk-3", "next");
    Screens.station(city, desk, "desk-2", "next");

    Browser hall = browser.reset(1920, 1080);
    for (String lang : LANGS) {
      Screens.openHall(hall, base, lang);
      hall.until("calls being shown", d -> d.findElements(By.cssSelector("#current-calls .call")).size() >= 3 ? true : null);
      hall.until("recent calls listed", d -> d.findElements(By.cssSelector("#recent-calls li")).size() >= 6 ? true : null);
      Screens.stageCount(hall, "hall");
      // with the first state the wall clock shows the site's time (the server's), not the browser's
      String hour = String.format("%02d:", java.time.LocalTime.ofInstant(java.time.Instant.parse(TestCity.MORNING),
          java.time.ZoneId.of("Asia/Shanghai")).getHour());
      String clock = hall.find("#clock").getText();
      assertTrue(clock.startsWith(hour), "the hall clock shows the site's time " + hour + "xx: " + clock);
      assertLanguage(hall, lang, "#now-heading", dictionary(lang).getJsonObject("hall").getString("nowCalling"));
      shoot(hall, "hall-" + lang);
      hall.assertCleanConsole();
    }
  }

  @Test
  void kioskStartAndTicket() {
    Browser kiosk = browser.reset(1080, 1920);
    for (String lang : LANGS) {
      kiosk.get(base + "/sites/pudong/kiosk?lang=" + lang);
      kiosk.waitVisible("#voucher-input");
      kiosk.waitVisible("#wait-now-box");
      JsonObject words = dictionary(lang).getJsonObject("kiosk");
      assertLanguage(kiosk, lang, "#start-heading", words.getString("heading"));
      shoot(kiosk, "kiosk-" + lang);

      if (lang.equals("zh")) Screens.kioskWalkIn(kiosk, "王芳", "310101199203030070", 1);
      else Screens.kioskWalkIn(kiosk, "Wang Fang", "310101199203030089", 1);
      kiosk.until("the ticket's QR code", d -> d.findElements(By.cssSelector("#ticket-qr svg")).isEmpty() ? null : true);
      assertLanguage(kiosk, lang, "#ticket-heading", words.getString("ticketHeading"));
      shoot(kiosk, "kiosk-ticket-" + lang);
      kiosk.assertCleanConsole();
    }
  }

  @Test
  void staffTabletAtADeskHoldingATicket() {
    String number = Screens.walkIn(city, "Lin Xiao", "310101199404040099");
    Screens.scan(city, city.login("door", "1357"), number);
    Browser tablet = browser.reset(1280, 800);
    for (String lang : LANGS) {
      tablet.get(base + "/sites/pudong/staff?lang=" + lang);
      if (lang.equals(LANGS.get(0))) {
        Screens.tabletLogin(tablet, "desk", "1234");
        Screens.pickStation(tablet, "desk-1");
        Screens.press(tablet, "next");
      }
      // the second language: the same tablet, reloaded, restores its station from the server
      Screens.awaitHoldingACalledTicket(tablet);
      assertLanguage(tablet, lang, "#patient-heading", dictionary(lang).getJsonObject("staff").getString("currentPatient"));
      shoot(tablet, "staff-" + lang);
      tablet.assertCleanConsole();
    }
  }

  // ---- helpers ----

  /** The page is in {@code lang} (its {@code <html lang>} and a word of its dictionary) and fits its screen's width. */
  private static void assertLanguage(Browser b, String lang, String css, String word) {
    assertEquals(lang.equals("zh") ? "zh-CN" : "en", b.js("return document.documentElement.lang;"), "<html lang>");
    String text = b.js("return document.querySelector(arguments[0]).textContent.replace(/\\s+/g, ' ');", css);
    assertTrue(text.contains(word), css + " in " + lang + " should say \"" + word + "\": " + text);
    long scrollWidth = b.js("return document.documentElement.scrollWidth;");
    long innerWidth = b.js("return window.innerWidth;");
    assertTrue(scrollWidth <= innerWidth, b.driver.getCurrentUrl() + " overflows horizontally: " + scrollWidth + " > " + innerWidth);
  }

  private static void shoot(Browser b, String name) {
    b.until("the page's fonts", d -> "loaded".equals(b.js("return document.fonts.status;")) ? true : null);
    byte[] png = b.screenshot();
    try {
      Files.createDirectories(OUT);
      Files.write(OUT.resolve(name + ".png"), png);
      if (UPDATE) {
        Files.createDirectories(DOCS);
        Files.write(DOCS.resolve(name + ".png"), png);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject dictionary(String lang) {
    try (InputStream in = ScreenshotTest.class.getClassLoader().getResourceAsStream("i18n/" + lang + ".json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
