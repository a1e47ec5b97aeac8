package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.Select;

/**
 * The booking page on a phone (320 and 390 px wide), in both languages, as a person uses it: the form, the code
 * step (the demo city shows the code it texted), the voucher; then "your bookings" with the code of the phone: the
 * booking found, its anaphylaxis flag changed, and, with a new code, cancelled. Each state axe-clean and no wider
 * than the screen. One city and one browser for the class.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BookPageTest {

  private static TestCity city;
  private static Browser browser;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(java.util.Map.of())).browser(390, 844);

  @Test
  void bookWithTheTextedCodeOnA390PhoneInEnglish() {
    Browser b = open(390, 844);
    b.get(Screens.base(city) + "/book?lang=en");
    b.waitVisible("#name").sendKeys("Lin Yue");
    b.find("#idNumber").sendKeys(Ids.wrongCheckDigit(Ids.resident(70, 1)));
    b.find("#phone").sendKeys("139 0000 0001");
    new Select(b.find("#community")).selectByIndex(1);
    b.find("#anaphylaxisHistory").click();
    b.find("#submit").click();
    // a made-up number: the field says so, nothing is sent
    b.until("the ID number refused", d -> b.find("#idNumber-error").getText().isEmpty() ? null : true);
    assertTrue(b.find("#idNumber-error").getText().contains("18 characters"), b.find("#idNumber-error").getText());
    fits(b, "the form with an error (390, en)");

    b.find("#idNumber").clear();
    b.find("#idNumber").sendKeys(Ids.resident(70, 1));
    b.find("#submit").click();
    String code = demoCode(b);
    fits(b, "the code step (390, en)");
    b.find("#code").sendKeys(wrong(code));
    b.find("#code-submit").click();
    b.until("the wrong code refused", d -> b.find("#code-error").getText().contains("4 tries left") ? true : null);
    b.find("#code").clear();
    b.find("#code").sendKeys(code);
    b.find("#code-submit").click();
    b.waitVisible("#voucher-view");
    assertFalse(b.find("#voucher-code").getText().isBlank());
    fits(b, "the voucher (390, en)");
    assertEquals(1, city.redis(io.vertx.redis.client.Command.KEYS, "vf:{*}:appt:*").size(), "one appointment booked");
  }

  @Test
  void lookUpChangeAndCancelOnA320PhoneInChinese() {
    String id = Ids.resident(71, 1), phone = "13900000002";
    JsonObject booking = booked("Wu Lan", id, phone);
    Browser b = open(320, 640);
    held(b, "zh", id, phone, () -> fits(b, "your bookings: who (320, zh)"));
    assertEquals(booking.getString("code"), b.find("#held-1 .voucher-code").getText());
    fits(b, "your bookings (320, zh)");

    // the allergy history, changed with the code
    b.find("#held-1-anaphylaxis").click();
    b.find("#held-1 .held-save").click();
    b.until("the change said", d -> b.find("#held-status").getText().contains("过敏史") ? true : null);
    assertFalse(b.findAll("#held-1 .tag").isEmpty(), "the booking shows the history");
    fits(b, "a booking changed (320, zh)");

    // a change uses the code up: cancelling asks for a new one
    b.find("#held-1 .held-cancel").click();
    b.waitVisible("#held-1 .held-cancel-confirm").click();
    b.waitVisible("#manage-view");
    b.find("#manage-submit").click();
    b.find("#code").sendKeys(demoCode(b));
    b.find("#code-submit").click();
    b.waitVisible("#held-1 .held-cancel").click();
    b.waitVisible("#held-1 .held-cancel-confirm").click();
    b.until("the cancellation said", d -> b.find("#held-status").getText().contains(booking.getString("code")) ? true : null);
    assertTrue(b.findAll(".held-card").isEmpty(), "no booking left");
    fits(b, "a booking cancelled (320, zh)");
    assertEquals(0, city.redis(io.vertx.redis.client.Command.EXISTS, "vf:{xuhui}:appt:" + booking.getString("appointmentId")).toInteger());
  }

  @Test
  void eraseABookingAndTheDetailsKeptOfItInEnglish() {
    String id = Ids.resident(72, 1), phone = "13900000003";
    JsonObject booking = booked("Qian Yu", id, phone);
    Browser b = open(390, 844);
    held(b, "en", id, phone, () -> { });
    b.waitVisible("#held-1 .held-erase").click();
    fits(b, "erase asks to confirm (390, en)");
    b.waitVisible("#held-1 .held-erase-confirm").click();
    b.until("the erasure said", d -> b.find("#held-status").getText().contains("erased") ? true : null);
    assertTrue(b.findAll(".held-card").isEmpty(), "no booking left");
    fits(b, "a booking erased (390, en)");
    assertEquals(0, city.redis(io.vertx.redis.client.Command.EXISTS, "vf:{xuhui}:appt:" + booking.getString("appointmentId")).toInteger());
    String person = io.vaxflow.security.PersonKey.fromVoucherSecret(city.config.voucherSecret())
        .person(io.vaxflow.security.IdDocument.RESIDENT, id);
    assertEquals(0, city.redis(io.vertx.redis.client.Command.EXISTS, "vf:{city}:dose:" + person + ":1").toInteger(),
        "the city forgot the dose booked");
  }

  /** A booking of dose 1 at xuhui today, made through the API. */
  private static JsonObject booked(String name, String id, String phone) {
    return city.booking(new JsonObject().put("name", name).put("idNumber", id).put("phone", phone)
        .put("dose", 1).put("day", TestCity.TODAY).put("siteId", "xuhui")).json();
  }

  /** The page's "your bookings" of this person, shown with the code texted to their phone ({@code filled}: the form filled in). */
  private static void held(Browser b, String lang, String id, String phone, Runnable filled) {
    b.get(Screens.base(city) + "/book?lang=" + lang);
    b.waitVisible("#open-manage").click();
    b.waitVisible("#m-idNumber").sendKeys(id);
    b.find("#m-phone").sendKeys(phone);
    filled.run();
    b.find("#manage-submit").click();
    b.find("#code").sendKeys(demoCode(b));
    b.find("#code-submit").click();
    b.waitVisible("#held-view");
  }

  /** The class's browser, fresh, that size, its pages taking axe. */
  private static Browser open(int width, int height) {
    browser.reset(width, height);
    Axe.allowInjection(browser);
    return browser;
  }

  /** The code the demo page shows, once the code step is up. */
  private static String demoCode(Browser b) {
    b.waitVisible("#code-view");
    String demo = b.waitVisible("#code-demo").getText();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{6})").matcher(demo);
    assertTrue(m.find(), demo);
    assertTrue(b.find("#code-sent").getText().contains("****"), "the phone masked: " + b.find("#code-sent").getText());
    return m.group(1);
  }

  /** Axe finds nothing, and the page is no wider than the screen. */
  private static void fits(Browser b, String what) {
    Axe.assertNoViolations(b, what);
    long overflow = ((Number) b.js("return document.documentElement.scrollWidth - window.innerWidth;")).longValue();
    assertTrue(overflow <= 0, what + ": " + overflow + " px wider than the screen");
  }

  private static String wrong(String code) {
    return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
  }
}
