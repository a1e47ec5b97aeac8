package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.Vaccinate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The vaccination certificate in Chromium, at a phone's size and a desktop's, in both languages: the printable page
 * after release with its QR code (the signed text) and what it says (the lot, the dose, the masked ID number) and a
 * print button, before release what the person is told instead; the phone page of the ticket (track.js) showing it
 * once released, linking the printable page, and not before; axe-core finds no violation in any of them.
 */
class CertificatePageTest {

  private static final String LOT = "PD-CV2611A";
  static TestCity city;
  static Browser browser;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Screens.FAST)).browser(390, 844);

  @Test
  void aReleasedPersonsCertificateAndOneNotYetIssued() {
    SiteStaff staff = SiteStaff.signIn(city);
    String id = FlowKit.idNumber(17, 1);
    String released = Vaccinate.walkIn(city, staff, "Qian Li", id, LOT).getString("number");
    Vaccinate.release(city, staff, released);
    String waiting = Vaccinate.walkIn(city, staff, "Sun Mei", FlowKit.idNumber(17, 2), LOT).getString("number");
    String base = Screens.base(city);
    for (int[] size : new int[][] {{390, 844}, {1280, 900}}) {
      for (String lang : List.of("zh", "en")) {
        String what = size[0] + "x" + size[1] + " " + lang;
        browser.reset(size[0], size[1]);
        Axe.allowInjection(browser);
        browser.get(base + "/t/pudong/" + released + "/certificate?lang=" + lang + "&k="
            + FlowKit.trackKey(city, released, TestCity.TODAY));
        browser.until("the certificate's QR code (" + what + ")", d -> d.findElements(By.cssSelector("#certificate-qr svg")).isEmpty() ? null : true);
        String facts = browser.find("#certificate-facts").getText();
        assertTrue(facts.contains(LOT), what + ": " + facts);
        assertTrue(facts.contains(id.substring(0, 4) + "**********" + id.substring(14)), what + ": the masked ID in " + facts);
        assertFalse(facts.contains(id), what + ": never the ID number itself");
        WebElement print = browser.find("#certificate-print");
        assertTrue(print.isDisplayed(), what + ": the print button");
        Axe.assertNoViolations(browser, "certificate " + what);

        browser.get(base + "/t/pudong/" + waiting + "/certificate?lang=" + lang + "&k=" + FlowKit.trackKey(city, waiting, TestCity.TODAY));
        String loading = io.vaxflow.view.Words.of(lang).getJsonObject("common").getString("loading");
        String said = browser.until("the page says it is not issued yet (" + what + ")", d -> {
          String text = d.findElement(By.id("certificate-status")).getText();
          return text.isBlank() || text.equals(loading) ? null : text;
        });
        assertEquals(io.vaxflow.errors.ErrorCode.NO_CERTIFICATE.message(lang), said, what);
        assertTrue(browser.find("#certificate-body").getAttribute("hidden") != null, what + ": no certificate shown before release");
        Axe.assertNoViolations(browser, "certificate not yet " + what);

        if (size[0] > 390) continue; // the phone page at a phone's size (PhonePageTest covers its other sizes)
        // the phone page of the released ticket shows it too, and links the printable page
        String k = FlowKit.trackKey(city, released, TestCity.TODAY);
        browser.get(base + "/t/pudong/" + released + "?lang=" + lang + "&k=" + k);
        browser.until("the certificate on the phone page (" + what + ")",
            d -> d.findElements(By.cssSelector("#certificate:not([hidden]) #certificate-qr svg")).isEmpty() ? null : true);
        assertTrue(browser.find("#certificate-facts").getText().contains(LOT), what);
        String href = browser.find("#certificate-open").getAttribute("href");
        assertTrue(href.endsWith("/t/pudong/" + released + "/certificate?k=" + k + "&lang=" + lang), href);
        Axe.assertNoViolations(browser, "phone page with its certificate " + what);
        // ... and not before release
        browser.get(base + "/t/pudong/" + waiting + "?lang=" + lang + "&k=" + FlowKit.trackKey(city, waiting, TestCity.TODAY));
        browser.until("the phone page's ticket (" + what + ")", d -> d.findElement(By.id("where")).getText().isBlank() ? null : true);
        assertFalse(browser.find("#certificate").isDisplayed(), what + ": no certificate on the phone before release");
      }
    }
    browser.assertCleanConsole(line -> line.contains("409"));
  }
}
