package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import io.vaxflow.support.TestCity;
import io.vaxflow.view.Words;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 16, the booth's tablet in a real browser: no vial open, a vial opened from a lot of the site, three shots
 * given with the doses left going down on the tablet (10, 9, 8, 7), then another vial opened by scanning its carton's
 * GS1 text (the seven doses left in the first counted wasted); axe-clean at a tablet's sizes, in both languages.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BoothTabletTest {

  private static final Path SHOTS = Path.of("target", "screenshots", "booth");
  private static final String LOT = "PD-MR2611B"; // the demo's mRNA lot at pudong: 10 doses a vial
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of("VAXFLOW_ANNOUNCE_REPEATS", "1"))).browser(1280, 800);
  static TestCity city; // set by CITY
  static Browser b;     // set by CITY

  @BeforeAll
  static void allowAxe() {
    Axe.allowInjection(b);
  }

  private static String doses() {
    return b.find("#vial-doses").getText().trim();
  }

  private static void awaitDoses(int n) {
    String want = Words.text("en", "staff.vial.doses", Map.of("n", n));
    b.until("the tablet to show " + want, d -> want.equals(doses()) ? true : null);
  }

  @Test
  void openAVialGiveThreeShotsAndWatchTheDosesLeftGoDown() {
    String door = city.login("door", "1357"), desk = city.login("desk", "1234");
    List<String> people = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String n = Screens.walkIn(city, "Booth Patient " + (char) ('A' + i), Ids.resident(62, i));
      Screens.scan(city, door, n);
      Screens.station(city, desk, "desk-1", "next");
      Screens.station(city, desk, "desk-1", "done");
      people.add(n);
    }

    b.get(Screens.base(city) + "/sites/pudong/staff?lang=en");
    Screens.tabletLogin(b, "booth", "4321");
    Screens.pickStation(b, "booth-2");
    b.waitVisible("#vial-card");
    b.waitVisible("#vial-none");
    assertTrue(b.find("#vial-facts").getAttribute("hidden") != null, "no vial facts without a vial");
    for (int[] size : new int[][] {{1280, 800}, {800, 1280}}) {
      b.resize(size[0], size[1]);
      Axe.assertNoViolations(b, "the booth without a vial at " + size[0] + "×" + size[1]);
    }
    b.resize(1280, 800);

    // a done without a vial is refused, and the tablet says why
    Screens.press(b, "next");
    Screens.awaitStationState(b, "called");
    Screens.press(b, "done");
    b.until("the refusal on the tablet", d -> b.find("#feedback").getText().contains(
        io.vaxflow.errors.ErrorCode.NO_OPEN_VIAL.message("en")) ? true : null);
    Screens.awaitStationState(b, "called");

    // open a vial of the lot
    b.find("#vial-open").click();
    b.waitVisible("#vial-dialog[open] #vial-lot-select");
    Axe.assertNoViolations(b, "the booth's open-a-vial dialog");
    new Select(b.find("#vial-lot-select")).selectByValue(LOT);
    b.find("#vial-confirm").click();
    awaitDoses(10);
    assertEquals(LOT, b.find("#vial-lot").getText().trim());
    assertEquals("COVID-19 mRNA Vaccine", b.find("#vial-product").getText().trim());
    String countdown = b.find("#vial-countdown").getText();
    assertTrue(countdown.matches("[56] h [0-9]+ min"), countdown);
    for (int[] size : new int[][] {{1280, 800}, {800, 1280}}) {
      b.resize(size[0], size[1]);
      Axe.assertNoViolations(b, "the booth with its vial at " + size[0] + "×" + size[1]);
    }
    b.resize(1280, 800);

    // three shots: 9, 8, 7 doses left
    for (int shot = 1; shot <= 3; shot++) {
      if (shot > 1) {
        Screens.press(b, "next");
        Screens.awaitStationState(b, "called");
      }
      assertEquals(people.get(shot - 1), Screens.currentTicket(b));
      Screens.press(b, "start");
      Screens.awaitStationState(b, "serving");
      Screens.press(b, "done");
      Screens.awaitStationState(b, "idle");
      awaitDoses(10 - shot);
    }
    JsonObject stock = city.get("/api/v1/sites/pudong/stock", city.login("manager", "2468")).json();
    assertEquals(3, stock.getJsonObject("today").getInteger("given"));

    // another vial, by scanning its carton: the first one's seven doses are thrown away
    b.find("#vial-open").click();
    b.waitVisible("#vial-dialog[open] #vial-gs1").sendKeys("(01)04260123450014(17)270123(10)" + LOT);
    b.find("#vial-confirm").click();
    awaitDoses(10);
    b.until("the waste said", d -> b.find("#feedback").getText().contains("7 doses") ? true : null);
    assertEquals(7, city.get("/api/v1/sites/pudong/stock", city.login("manager", "2468")).json().getJsonObject("today")
        .getInteger("wasted"));
    b.screenshot(SHOTS.resolve("booth-en-1280x800.png"));

    b.get(Screens.base(city) + "/sites/pudong/staff?lang=zh");
    Screens.awaitStationState(b, "idle");
    String zh = Words.text("zh", "staff.vial.doses", Map.of("n", 10));
    b.until("the vial in Chinese", d -> zh.equals(doses()) ? true : null);
    assertFalse(b.find("#vial-card").getText().contains("page.vial"), "no keys shown: " + b.find("#vial-card").getText());
    Axe.assertNoViolations(b, "the booth with its vial (zh)");
    b.screenshot(SHOTS.resolve("booth-zh-1280x800.png"));
    b.assertCleanConsole(m -> m.contains("/stations/booth-2/done") && m.contains("status of 409")); // the refusal above
  }
}
