package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC "Staff tablet" (issue 7, item 14): a no-show pressed by mistake is undone on the tablet. After
 * a no-show the tablet offers "Undo no-show"; it asks first (cancelling changes nothing), and once
 * confirmed the ticket is reinstated at the head of its queue, so the next call takes it again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StaffUndoNoShowTest {

  @Test
  void aWrongNoShowIsUndoneFromTheTabletAfterAConfirmation() {
    Browser.assumeAvailable();
    try (TestCity city = TestCity.start(Screens.FAST); Browser tablet = Browser.open(1280, 800)) {
      Axe.allowInjection(tablet);
      String number = Screens.walkIn(city, "Xu Ming", "310101198808081247");
      Screens.scan(city, city.login("door", "1357"), number);
      tablet.get(Screens.base(city) + "/sites/pudong/staff?lang=en");
      Screens.tabletLogin(tablet, "desk", "1234");
      Screens.pickStation(tablet, "desk-1");
      Screens.press(tablet, "next");
      assertEquals(number, Screens.currentTicket(tablet));
      Screens.press(tablet, "no-show");
      Screens.awaitStationState(tablet, "idle");
      assertEquals("no-show", ticketState(city, number));

      // offered, asked, cancelled: nothing changes
      tablet.waitVisible("#undo-bar");
      assertTrue(tablet.find("#undo-text").getText().contains(number), tablet.find("#undo-text").getText());
      tablet.find("#undo-open").click();
      tablet.waitVisible("#undo-dialog");
      assertTrue(tablet.find("#undo-heading").getText().contains(number), tablet.find("#undo-heading").getText());
      Axe.assertNoViolations(tablet, "the undo confirmation");
      tablet.find("#undo-cancel").click();
      tablet.until("the dialog closed", d -> tablet.find("#undo-dialog").isDisplayed() ? null : true);
      assertEquals("no-show", ticketState(city, number), "cancelling the confirmation changes nothing");

      // confirmed: reinstated at the head of its queue
      tablet.find("#undo-open").click();
      tablet.waitVisible("#undo-confirm").click();
      tablet.until("the reinstatement confirmed", d ->
          tablet.find("#feedback").getAttribute("data-kind").equals("ok") && tablet.find("#feedback").getText().contains("reinstated") ? true : null);
      tablet.until("the undo offer gone", d -> tablet.find("#undo-bar").isDisplayed() ? null : true);
      assertEquals("waiting", ticketState(city, number));
      Screens.press(tablet, "next");
      tablet.until("the desk calling " + number + " again", d -> number.equals(tablet.find("#current-ticket").getText().trim()) ? true : null);
      tablet.assertCleanConsole();
    }
  }

  private static String ticketState(TestCity city, String number) {
    JsonObject t = city.get(Screens.API + "/tickets/" + number).json();
    return t.getString("state");
  }
}
