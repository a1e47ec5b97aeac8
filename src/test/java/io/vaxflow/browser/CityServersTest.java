package io.vaxflow.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.dispatch.RemoteSitesTest;
import io.vaxflow.store.RedisLauncher;
import io.vaxflow.support.Axe;
import io.vaxflow.support.Browser;
import io.vaxflow.support.TestCity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, "/city shows which server runs each site and its health", in a real browser: server B
 * runs pudong; server A runs xuhui and jingan and lists pudong as remote on B. A's /city page, in
 * both languages, shows A's sites run by this server and pudong run by B (its base URL), up, with
 * its load; B stopped, the same open page shows pudong down (no answer since its last answer)
 * within a few of the page's 5 s refreshes. axe-core finds no violation in either state.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CityServersTest {

  /** A polls B this often; the page refreshes its overview every 5 s. */
  private static final int POLL_MS = 300;
  /** A few page refreshes: the bound on seeing a change of health on the open page. */
  private static final Duration FEW_REFRESHES = Duration.ofSeconds(30);

  private static final Map<String, List<String>> WORDS = Map.of(
      "en", List.of("This server", "Up", "Down", "No answer since", "Open: calls stopped"),
      "zh", List.of("本服务器", "正常", "无应答", "起无应答", "断开：请求暂停"));

  @Test
  void cityPageShowsWhichServerRunsEachSiteAndARemoteSiteGoingDown() throws IOException {
    Browser.assumeAvailable();
    Path dir = Files.createTempDirectory("vaxflow-city-servers");
    Path configB = dir.resolve("server-b.yaml");
    RemoteSitesTest.writeOnlySites(Path.of("config/vaxflow.yaml"), configB, List.of("pudong"));
    RedisLauncher redisB = RedisLauncher.start(dir.resolve("redis-b"));
    TestCity b = null;
    TestCity a = null;
    boolean bRunning = false;
    try (Browser en = Browser.open(1440, 900); Browser zh = Browser.open(1440, 900)) {
      b = TestCity.on(redisB, configB, Map.of());
      bRunning = true;
      String baseB = "http://127.0.0.1:" + b.port();
      a = RemoteSitesTest.startWithRemotePudong(baseB, POLL_MS);
      Map<String, Browser> pages = Map.of("en", en, "zh", zh);

      for (String lang : List.of("en", "zh")) {
        Browser page = pages.get(lang);
        List<String> w = WORDS.get(lang);
        Axe.allowInjection(page);
        page.get(Screens.base(a) + "/city?lang=" + lang);
        Map<String, Object> row = awaitRow(page, "pudong", "up");
        assertEquals(baseB, row.get("server"), lang);
        assertEquals(w.get(1), row.get("health"), lang);
        assertEquals("CLOSED", row.get("breaker"), lang);
        assertEquals(3L, page.<Long>js("return document.querySelectorAll('#servers-table tbody tr').length;"), "every site");
        // A's own sites: run by this server, up
        for (String local : List.of("xuhui", "jingan")) {
          Map<String, Object> mine = row(page, local);
          assertEquals(w.get(0), mine.get("server"), local + " " + lang);
          assertEquals(w.get(1), mine.get("health"), local + " " + lang);
          assertEquals(w.get(0), page.find(".city-site[data-site=" + local + "] [data-f=server]").getText().strip(), local);
        }
        // pudong's card beside A's own: run by B, up, its load as B last answered
        Map<String, Object> card = card(page, "pudong");
        assertEquals(baseB, card.get("server"), lang);
        assertEquals("up", card.get("health"), lang);
        assertNotEquals("–", card.get("wait"), "pudong's predicted wait is shown: " + card);
        settle(page);
        Axe.assertNoViolations(page, "/city with pudong up (" + lang + ")");
      }

      b.close();
      bRunning = false;
      long stopped = System.nanoTime();
      for (String lang : List.of("en", "zh")) {
        Browser page = pages.get(lang);
        List<String> w = WORDS.get(lang);
        Map<String, Object> row = awaitRow(page, "pudong", "down");
        System.out.printf("/city (%s) shows pudong down %d ms after its server stopped (A polls every %d ms, the page refreshes every 5 s)%n",
            lang, (System.nanoTime() - stopped) / 1_000_000, POLL_MS);
        assertEquals(w.get(2), row.get("health"), lang);
        assertTrue(String.valueOf(row.get("detail")).contains(w.get(3)), "down since its last answer: " + row);
        assertEquals(baseB, row.get("server"), lang);
        Map<String, Object> card = card(page, "pudong");
        assertEquals("down", card.get("health"), lang);
        assertEquals("–", card.get("wait"), "no stale load for a site that does not answer: " + card);
        // the breaker opens after two failed polls: the page shows it by a later refresh
        page.until("pudong's breaker shown open", FEW_REFRESHES, d -> "OPEN".equals(row(page, "pudong").get("breaker")) ? true : null);
        assertEquals(w.get(4), row(page, "pudong").get("breakerText"), lang);
        Axe.assertNoViolations(page, "/city with pudong down (" + lang + ")");
        page.assertCleanConsole();
      }
    } finally {
      if (a != null) a.close();
      if (bRunning) b.close();
      redisB.stop();
      TestCity.deleteTree(dir);
    }
  }

  /** A site's row of the servers table, read at once (the page rebuilds it as figures come in). */
  private static Map<String, Object> row(Browser page, String site) {
    return page.js("""
        const tr = document.querySelector('#servers-table tr[data-site="' + arguments[0] + '"]');
        if (!tr) return {};
        const text = (css) => { const e = tr.querySelector(css); return e ? e.textContent.trim() : null; };
        const breaker = tr.querySelector('[data-f=breaker]');
        return { state: tr.dataset.health, server: text('[data-f=server]'), health: text('[data-f=health]'),
          detail: text('.health-detail'), breaker: breaker.dataset.breaker || null, breakerText: text('[data-f=breaker]') };
        """, site);
  }

  private static Map<String, Object> awaitRow(Browser page, String site, String health) {
    return page.until("/city showing " + site + " " + health, FEW_REFRESHES, d -> {
      Map<String, Object> r = row(page, site);
      return health.equals(r.get("state")) ? r : null;
    });
  }

  /** The card of a site another server runs, read at once. */
  private static Map<String, Object> card(Browser page, String site) {
    return page.js("""
        const c = document.querySelector('.city-site[data-remote-site="' + arguments[0] + '"]');
        if (!c) return {};
        const text = (css) => c.querySelector(css).textContent.trim();
        return { health: c.dataset.health, server: text('[data-f=server]'), wait: text('[data-f=wait]'),
          healthText: text('[data-f=health]') };
        """, site);
  }

  /** The page's own sites live over the bridge. */
  private static void settle(Browser b) {
    b.waitFor("#connection[data-state=live]");
  }
}
