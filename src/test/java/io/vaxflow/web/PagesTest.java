package io.vaxflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The booking page, the city overview and the site dashboard over plain HTTP: each renders in
 * Chinese and in English, an unknown site gets the 404 page, and nothing a request carries (a
 * hostile {@code ?lang=}, query or path) comes back unescaped. The pages keep to the CSP: no
 * inline script, style or handler.
 */
class PagesTest {

  private static final String HOSTILE = "<script>alert(1)</script>";
  private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern INLINE_STYLE = Pattern.compile("<style|\\sstyle=", Pattern.CASE_INSENSITIVE);
  private static final Pattern HANDLER = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);

  /** A page, a word only its Chinese version shows and one only its English version shows. */
  record Page(String path, String zh, String en) {}

  static final List<Page> PAGES = List.of(
      new Page("/book", "预约接种", "Book a vaccination"),
      new Page("/city", "全市概览", "City overview"),
      new Page("/sites/pudong/dashboard", "管理看板", "Dashboard"),
      new Page("/sites/pudong/observation", "留观人员", "People in observation"));

  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start());

  @Test
  void eachPageRendersInChineseAndEnglish() {
    for (Page p : PAGES) {
      Reply zh = html(p.path() + "?lang=zh", 200);
      assertTrue(zh.body().contains("<html lang=\"zh-CN\">"), p.path());
      assertTrue(zh.body().contains(p.zh()), p.path() + " in Chinese shows " + p.zh());
      assertFalse(zh.body().contains("<title>" + p.en()), p.path() + " in Chinese has a Chinese title");

      Reply en = html(p.path() + "?lang=en", 200);
      assertTrue(en.body().contains("<html lang=\"en\">"), p.path());
      assertTrue(en.body().contains(p.en()), p.path() + " in English shows " + p.en());
      assertFalse(en.body().contains(p.zh() + "</title>"), p.path() + " in English has an English title");
      // the switch leads to the other language (Handlebars writes = as &#x3D; in attributes)
      assertTrue(unescape(en.body()).contains("href=\"" + p.path() + "?lang=zh\""), p.path());
      assertTrue(unescape(zh.body()).contains("href=\"" + p.path() + "?lang=en\""), p.path());
    }
  }

  @Test
  void withoutLangThePageFollowsAcceptLanguage() {
    for (Page p : PAGES) {
      Reply r = city.send(HttpMethod.GET, p.path(), null, Map.of("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5"), null);
      assertEquals(200, r.status());
      assertTrue(r.body().contains("<html lang=\"zh-CN\">"), p.path());
      Reply plain = city.get(p.path());
      assertTrue(plain.body().contains("<html lang=\"en\">"), p.path() + " defaults to English");
    }
  }

  @Test
  void thePagesCarryWhatTheirScriptsNeed() {
    String book = html("/book?lang=en", 200).body();
    assertTrue(book.contains("value=\"Tianlin\""), "communities from the config");
    assertTrue(book.contains("value=\"" + TestCity.TODAY + "\""), "days start today");
    assertTrue(book.contains("value=\"2026-12-08\""), "and run 14 days ahead");
    assertFalse(book.contains("value=\"2026-12-09\""));
    assertTrue(book.contains("/vendor/qrcode.js"));
    String dashboard = html("/sites/pudong/dashboard?lang=en", 200).body();
    assertTrue(dashboard.contains("data-site=\"pudong\""));
    assertTrue(dashboard.contains("action=\"/api/v1/sites/pudong/events.csv\""), "events.csv download");
    assertTrue(dashboard.contains("id=\"login-form\""), "the sign-in form for a manager");
    String observation = html("/sites/pudong/observation?lang=en", 200).body();
    assertTrue(observation.contains("data-site=\"pudong\""));
    assertTrue(observation.contains("id=\"login-form\""), "the observation tablet signs in");
    assertTrue(observation.contains("id=\"observation-people\""), "the list of people in observation");
    assertTrue(observation.contains("id=\"reaction-form\"") && observation.contains("value=\"severe\""), "the reaction form");
    assertTrue(observation.contains("src=\"/js/observation.js\""));
    assertTrue(html("/sites/pudong/observation?lang=zh", 200).body().contains("重度"), "severities in Chinese");
    String cityPage = html("/city?lang=zh", 200).body();
    for (String site : List.of("xuhui", "jingan", "pudong")) assertTrue(cityPage.contains("data-site=\"" + site + "\""), site);
    assertTrue(cityPage.contains("徐汇区体育馆新冠疫苗接种点"), "site names in Chinese");
  }

  @Test
  void anUnknownSiteGetsTheNotFoundPage() {
    for (String lang : List.of("zh", "en")) {
      Reply r = html("/sites/nowhere/dashboard?lang=" + lang, 404);
      assertTrue(r.body().contains("zh".equals(lang) ? "找不到该接种点" : "Site not found"), r.body());
    }
  }

  @Test
  void aMistypedPageAddressGetsTheNotFoundPageInItsLanguage() {
    for (String path : List.of("/sites/pudong/kiosc", "/sitess", "/sites/pudong/hall/extra", "/js/nothing.js")) {
      for (String lang : List.of("zh", "en")) {
        Reply r = city.send(HttpMethod.GET, path + "?lang=" + lang, null,
            Map.of("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"), null);
        assertEquals(404, r.status(), path);
        assertTrue(r.headers().get("Content-Type").startsWith("text/html"), path + ": " + r.body());
        assertTrue(r.body().contains("<html lang=\"" + ("zh".equals(lang) ? "zh-CN" : "en") + "\">"), path);
        assertTrue(r.body().contains("zh".equals(lang) ? "找不到该页面" : "Page not found"), r.body());
        assertTrue(r.headers().get("Content-Security-Policy").contains("script-src 'self'"), path);
      }
      Reply zh = city.send(HttpMethod.GET, path, null, Map.of("Accept", "text/html", "Accept-Language", "zh-CN"), null);
      assertTrue(zh.body().contains("找不到该页面"), "Accept-Language chooses the language: " + zh.body());
      // not a browser asking for a page: the API's error JSON, as before
      Reply json = city.get(path);
      assertEquals(404, json.status());
      assertEquals("NOT_FOUND", json.errorCode(), json.body());
    }
    Reply api = city.send(HttpMethod.GET, "/api/v1/sitess", null, Map.of("Accept", "text/html"), null);
    assertEquals(404, api.status());
    assertEquals("NOT_FOUND", api.errorCode(), "the API keeps its JSON even for a browser: " + api.body());
    Reply slashes = city.send(HttpMethod.GET, "//example.org/x", null, Map.of("Accept", "text/html"), null);
    assertFalse(unescape(slashes.body()).contains("href=\"//example.org"), "the language switch stays on the site");
  }

  @Test
  void theKioskShowsItsOwnSitesVoucherCode() {
    for (String lang : List.of("zh", "en")) {
      String pudong = html("/sites/pudong/kiosk?lang=" + lang, 200).body();
      assertTrue(pudong.contains("PD-7K3M-9Q2P") && pudong.contains("placeholder=\"PD-____-____\""), pudong);
      assertFalse(pudong.contains("XH-"), "no other site's code at pudong");
      String jingan = html("/sites/jingan/kiosk?lang=" + lang, 200).body();
      assertTrue(jingan.contains("JA-7K3M-9Q2P") && !jingan.contains("XH-"), "jingan's own code");
    }
  }

  @Test
  void nothingHostileIsEchoed() {
    String q = "?lang=" + encode(HOSTILE) + "&q=" + encode(HOSTILE) + "&site=" + encode("\"><img src=x onerror=alert(1)>");
    for (Page p : PAGES) {
      Reply r = html(p.path() + q, 200);
      assertFalse(r.body().contains(HOSTILE), p.path());
      assertFalse(r.body().contains("onerror"), p.path());
      assertTrue(r.body().contains("<html lang=\"en\">"), p.path() + ": an unknown lang falls back to English");
    }
    Reply path = html("/sites/" + encode(HOSTILE) + "/dashboard?lang=en", 404);
    assertFalse(path.body().contains(HOSTILE), "the path is not echoed raw");
    assertFalse(path.body().contains("<script>alert"), path.body());
  }

  @Test
  void thePagesKeepToTheContentSecurityPolicy() {
    for (Page p : PAGES) {
      for (String lang : List.of("zh", "en")) {
        Reply r = html(p.path() + "?lang=" + lang, 200);
        String csp = r.headers().get("Content-Security-Policy");
        assertTrue(csp != null && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), p.path());
        assertFalse(INLINE_SCRIPT.matcher(r.body()).find(), p.path() + " has an inline script");
        assertFalse(INLINE_STYLE.matcher(r.body()).find(), p.path() + " has an inline style");
        assertFalse(HANDLER.matcher(r.body()).find(), p.path() + " has an inline event handler");
      }
    }
  }

  @Test
  void theScriptsAndStylesheetAreServed() {
    for (String file : List.of("/js/book.js", "/js/city.js", "/js/dashboard.js", "/js/charts.js", "/js/qr.js", "/css/vaxflow.css")) {
      Reply r = city.get(file);
      assertEquals(200, r.status(), file);
      assertTrue(r.body().length() > 500, file);
    }
    assertTrue(unescape(html("/?lang=en", 200).body()).contains("href=\"/city?lang=en\""), "the index links the city overview");
  }

  private static Reply html(String path, int status) {
    Reply r = city.get(path);
    assertEquals(status, r.status(), path + ": " + r.body());
    assertTrue(r.headers().get("Content-Type").startsWith("text/html"), path);
    return r;
  }

  private static String unescape(String html) {
    return html.replace("&#x3D;", "=");
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
