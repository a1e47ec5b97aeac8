package io.vaxflow.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium for browser tests, driven through Debian's {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver} (never anything Selenium Manager would download: there is no
 * network here, nor on a clinic's CI).
 *
 * <p>Without chromium or chromedriver a browser test is <em>skipped</em>, unless {@code CI=true},
 * where it <em>fails</em>: CI must run them. The viewport is exactly the size asked for (set over
 * CDP, so screenshots are that many pixels). The browser console is collected as the test goes;
 * {@link #assertCleanConsole} fails on CSP violations, script errors and failed loads. Close it
 * to quit the browser.
 *
 * <p><b>One browser per class</b> (a launch costs a second or more of CPU): open it in
 * {@code @BeforeAll}, {@link #reset} it in {@code @BeforeEach}, close it in {@code @AfterAll}; a test
 * that needs two screens at once (a hall and a kiosk) keeps two.
 */
public final class Browser implements AutoCloseable {

  public static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
  public static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
  public static final Duration WAIT = Duration.ofSeconds(10);

  /** Chromium is newer than Selenium's CDP bindings, which it warns of; only chromedriver's own CDP endpoint is used. */
  private static final java.util.logging.Logger CDP_WARNINGS = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

  public final ChromeDriver driver;
  private final List<LogEntry> console = new ArrayList<>();

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Chromium and chromedriver are here: or the calling test is skipped (a developer box without
   * them), or fails when the environment says it is CI.
   */
  public static void assumeAvailable() {
    boolean here = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    if (here) return;
    String why = "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
        + " (Debian: apt-get install chromium chromium-driver fonts-noto-cjk)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
    assumeTrue(false, why + "; skipped");
  }

  /** A new headless browser whose viewport is {@code width}×{@code height} CSS pixels. */
  public static Browser open(int width, int height) {
    assumeAvailable();
    // Both paths given: Selenium uses them as they are and never runs Selenium Manager.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .withSilent(true)
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
        "--window-size=" + width + "," + height, "--force-device-scale-factor=1", "--hide-scrollbars",
        "--disable-search-engine-choice-screen", "--no-first-run", "--no-default-browser-check",
        // a hidden or covered window must not slow the page's timers: the display is always on
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      Browser browser = new Browser(driver);
      browser.resize(width, height);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
      return browser;
    } catch (RuntimeException e) {
      driver.quit();
      throw e;
    }
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  /**
   * The browser as a new one would be, for the next test of a class that keeps one browser: no
   * cookies, a blank page, pages' CSP enforced (Axe.allowInjection turns it off), the console's
   * entries so far dropped, the viewport {@code width}×{@code height}.
   */
  public Browser reset(int width, int height) {
    driver.get("about:blank"); // first: a page left open would go on asking with cookies that are gone
    driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    driver.executeCdpCommand("Page.enable", Map.of());
    driver.executeCdpCommand("Page.setBypassCSP", Map.of("enabled", false));
    resize(width, height);
    console();
    console.clear();
    return this;
  }

  /** The viewport becomes exactly {@code width}×{@code height} CSS pixels (a screenshot is that many). */
  public void resize(int width, int height) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
  }

  // ---- pages ----

  /**
   * Signed out, with no page left open: a signed-in page still open when its cookies go would ask
   * once more (the observation list polls every 3 s) and log its 401 into the next page's console.
   */
  public Browser signOut() {
    driver.get("about:blank");
    driver.executeCdpCommand("Network.clearBrowserCookies", Map.of()); // every site's (WebDriver's deletes the page's own)
    return this;
  }

  public Browser get(String url) {
    driver.get(url);
    return this;
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Runs a script in the page; its {@code return} value comes back (numbers as Long or Double). */
  @SuppressWarnings("unchecked")
  public <T> T js(String script, Object... args) {
    return (T) ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Waits (bounded, polling often) until {@code condition} gives a non-null, non-false value. */
  public <T> T until(String what, Duration timeout, Function<WebDriver, T> condition) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(25));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    wait.withMessage(what);
    return wait.until(condition);
  }

  public <T> T until(String what, Function<WebDriver, T> condition) {
    return until(what, WAIT, condition);
  }

  /** The first element matching {@code css}, once there is one. */
  public WebElement waitFor(String css) {
    return waitFor(css, WAIT);
  }

  public WebElement waitFor(String css, Duration timeout) {
    return until("an element " + css, timeout, d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(0);
    });
  }

  /** The first visible element matching {@code css}, once there is one. */
  public WebElement waitVisible(String css) {
    return until("a visible " + css, WAIT, d -> {
      for (WebElement e : d.findElements(By.cssSelector(css))) {
        if (e.isDisplayed()) return e;
      }
      return null;
    });
  }

  /** True if the condition holds at some point within {@code timeout}; never throws on timeout. */
  public boolean within(Duration timeout, Function<WebDriver, Boolean> condition) {
    try {
      until("", timeout, d -> condition.apply(d) ? Boolean.TRUE : null);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  public byte[] screenshot() {
    return driver.getScreenshotAs(OutputType.BYTES);
  }

  public void screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, screenshot());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- console ----

  /** Every console entry of this browser so far (chromedriver hands each out once; they are kept here). */
  public List<LogEntry> console() {
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) console.add(e);
    return List.copyOf(console);
  }

  /** Failed loads any page may show and that are not errors: a missing favicon; the staff page asking who is signed in. */
  public static final Predicate<String> EXPECTED = m ->
      m.contains("favicon")
          || (m.contains("/api/v1/auth/me") && m.contains("status of 401"));

  /**
   * Fails if the console shows a CSP violation, a script error (uncaught exception or rejection,
   * {@code console.error}), a failed load, or any other severe entry, except those {@code allowed}.
   */
  public void assertCleanConsole(Predicate<String> allowed) {
    List<String> bad = new ArrayList<>();
    for (LogEntry e : console()) {
      String m = e.getMessage();
      boolean csp = m.contains("Content Security Policy") || m.contains("Content-Security-Policy");
      boolean severe = e.getLevel().intValue() >= Level.SEVERE.intValue();
      if (csp || (severe && !EXPECTED.test(m) && !allowed.test(m))) bad.add(e.getLevel() + " " + m);
    }
    if (!bad.isEmpty()) fail("browser console of " + driver.getCurrentUrl() + ":\n  " + String.join("\n  ", bad));
  }

  public void assertCleanConsole() {
    assertCleanConsole(m -> false);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
