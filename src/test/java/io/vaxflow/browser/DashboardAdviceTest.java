package io.vaxflow.browser;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Issue 9, "advice, not only alarms", in a real browser: the dashboard's figures move as tickets
 * move (no reload); a desk paused while its queue grows brings an alert with its advice and an
 * action; the action asks first (cancelling changes nothing) and, confirmed, resumes the desk and
 * the alert goes away.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DashboardAdviceTest {

  private static final Duration FIGURES = Duration.ofSeconds(20); // the figures refresh every 5 s, sooner on a station change
  /** One city and one browser for the class, fresh for each test. */
  static TestCity city;
  static Browser browser;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Screens.FAST)).fresh().browser(1440, 1000);

  @Test
  void aPausedDeskWithItsQueueGrowingIsAdvisedAndResumedFromTheDashboard() {
    Browser dash = browser.reset(1440, 1000);
    Axe.allowInjection(dash);
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    dash.get(Screens.base(city) + "/sites/pudong/dashboard?lang=en");
    Screens.tabletLogin(dash, "manager", "2468");
    dash.waitVisible("#dash-view");
    Screens.waitLive(dash, Browser.WAIT);
    dash.js("window.__marker = 1;");

    // live: a check-in shows in the hall's count without a reload
    int hall = stageCount(dash, "hall");
    String first = Screens.walkIn(city, "Dash Walker", "310101199001019009");
    dash.until("the hall count up by one", d -> stageCount(dash, "hall") == hall + 1 ? true : null);
    Screens.scan(city, door, first);
    dash.until("the room count showing the scan", d -> stageCount(dash, "room") >= 1 ? true : null);

    // desk-1 paused, desks 2-4 busy, and the queue for the desks grows
    Screens.station(city, desk, "desk-1", "pause");
    for (int i = 1; i <= 5; i++) Screens.scan(city, door, Screens.walkIn(city, "Dash Walker", Ids.resident(30, i)));
    for (String d : List.of("desk-2", "desk-3", "desk-4")) Screens.station(city, desk, d, "next");
    WebElement alert = dash.until("the paused-desk alert", FIGURES, d -> {
      List<WebElement> found = d.findElements(By.cssSelector("#alerts li[data-code=STATION_PAUSED_QUEUE_WAITING][data-subject=desk-1]"));
      return found.isEmpty() ? null : found.get(0);
    });
    assertEquals("Resume Desk 1.", alert.findElement(By.cssSelector(".alert-advice")).getText().trim());
    WebElement action = alert.findElement(By.cssSelector("button.alert-action[data-action=resume]"));
    assertEquals("Resume Desk 1", action.getText().trim());

    // asked first; cancelling changes nothing
    action.click();
    dash.waitVisible("#confirm-dialog");
    assertEquals("Resume Desk 1?", dash.find("#confirm-heading").getText().trim());
    Axe.assertNoViolations(dash, "the dashboard's confirmation");
    dash.find("#confirm-cancel").click();
    dash.until("the dialog closed", d -> dash.find("#confirm-dialog").isDisplayed() ? null : true);
    assertEquals("paused", stationState(city, desk, "desk-1"), "cancelling changes nothing");

    // confirmed: desk-1 resumed, the alert gone
    dash.find("#alerts li[data-code=STATION_PAUSED_QUEUE_WAITING] button.alert-action").click();
    dash.waitVisible("#confirm-yes").click();
    dash.until("the action confirmed", d -> "ok".equals(dash.find("#advice-feedback").getAttribute("data-kind")) ? true : null);
    dash.until("the alert cleared", FIGURES, d ->
        d.findElements(By.cssSelector("#alerts li[data-code=STATION_PAUSED_QUEUE_WAITING]")).isEmpty() ? true : null);
    assertEquals("idle", stationState(city, desk, "desk-1"));
    dash.until("desk-1 open on the dashboard", d ->
        d.findElements(By.cssSelector("#stations-body tr[data-station=desk-1][data-state=idle]")).isEmpty() ? null : true);
    assertEquals(1L, (Long) dash.js("return window.__marker;"), "the dashboard was never reloaded");
    dash.assertCleanConsole();
  }

  @Test
  void walkInsAreStoppedAndAllowedAndANoShowReinstatedFromTheDashboard() {
    Browser dash = browser.reset(1440, 1000);
    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    dash.get(Screens.base(city) + "/sites/pudong/dashboard?lang=en");
    Screens.tabletLogin(dash, "manager", "2468");
    dash.waitVisible("#dash-view");
    dash.until("walk-ins taken", d -> "open".equals(dash.find("#walk-ins-state").getAttribute("data-state")) ? true : null);

    // stop walk-ins for an hour: asked first, then the kiosk refuses them
    dash.find("#walk-ins-toggle").click();
    dash.waitVisible("#confirm-dialog");
    assertEquals("Stop walk-ins for 60 min?", dash.find("#confirm-heading").getText().trim());
    assertTrue(dash.find("#confirm-explain").getText().contains("11:00"), dash.find("#confirm-explain").getText());
    dash.find("#confirm-yes").click();
    dash.until("walk-ins stopped", d -> "stopped".equals(dash.find("#walk-ins-state").getAttribute("data-state")) ? true : null);
    assertEquals("Stopped until 11:00", dash.find("#walk-ins-state").getText().trim());
    TestCity.Reply refused = city.post(Screens.API + "/checkins", new JsonObject().put("walkIn",
        new JsonObject().put("name", "Late Walker").put("idNumber", "310101199001019105").put("dose", 1)));
    assertEquals("WALK_INS_STOPPED", refused.errorCode(), refused.body());
    dash.find("#walk-ins-toggle").click();
    dash.waitVisible("#confirm-yes").click();
    dash.until("walk-ins taken again", d -> "open".equals(dash.find("#walk-ins-state").getAttribute("data-state")) ? true : null);

    // a no-show reinstated by number, after a confirmation
    String number = Screens.walkIn(city, "Missed Walker", "310101199001019113");
    Screens.scan(city, door, number);
    Screens.station(city, desk, "desk-1", "next");
    Screens.station(city, desk, "desk-1", "no-show");
    dash.find("#reinstate-number").sendKeys(number.toLowerCase(java.util.Locale.ROOT));
    dash.find("#reinstate-form button[type=submit]").click();
    assertEquals("Reinstate " + number + "?", dash.waitVisible("#confirm-heading").getText().trim());
    dash.find("#confirm-yes").click();
    dash.until("the reinstatement confirmed", d -> "ok".equals(dash.find("#controls-feedback").getAttribute("data-kind")) ? true : null);
    assertEquals("waiting", city.get(Screens.API + "/tickets/" + number).json().getString("state"));

    // the planner counts today's walk-ins (it planned none with its field left at 0): this hour's own one,
    // and for the hours to come today's rate so far (one in two hours open)
    assertEquals("", dash.find("#plan-walkins").getAttribute("value"), "no figure typed: today's walk-ins");
    dash.find("#plan-run").click();
    dash.until("the plan", d -> d.findElements(By.cssSelector("#plan-table tbody tr")).size() == 9 ? true : null);
    assertEquals("0", planArrivals(dash, "08:00"));
    assertEquals("1", planArrivals(dash, "10:00"), "the walk-in of this hour");
    assertEquals("0.5", planArrivals(dash, "11:00"), "today's walk-ins per hour so far");
    String feedback = dash.find("#plan-feedback").getText();
    assertTrue(feedback.startsWith("Walk-ins: each past hour its own; 0.5 an hour from now on"), feedback);
    dash.assertCleanConsole();
  }

  private static int stageCount(Browser dash, String stage) {
    return dash.until("a count in the " + stage + " tile", d -> {
      List<WebElement> e = d.findElements(By.cssSelector("#stage-list [data-stage=" + stage + "] .dash-stage-count"));
      String text = e.isEmpty() ? "" : e.get(0).getText().trim().replace(",", "");
      return text.matches("\\d+") ? Integer.valueOf(text) : null;
    });
  }

  /** The planner table's arrivals in the row of {@code hour}. */
  private static String planArrivals(Browser dash, String hour) {
    for (WebElement row : dash.findAll("#plan-table tbody tr")) {
      if (row.findElement(By.tagName("th")).getText().trim().equals(hour)) return row.findElements(By.tagName("td")).get(0).getText().trim();
    }
    throw new AssertionError("no row " + hour + " in the plan");
  }

  private static String stationState(TestCity city, String cookie, String station) {
    JsonArray all = city.get(Screens.API + "/stations", cookie).array();
    return all.stream().map(JsonObject.class::cast).filter(s -> station.equals(s.getString("id")))
        .findFirst().orElseThrow().getString("state");
  }
}
