package io.vaxflow.support;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One city, and where asked one browser and the site's staff signed in, for a test class: started before its first
 * test (before the class's own {@code @BeforeAll} methods, which may log in), optionally made fresh before each
 * test ({@link TestCity#reset}, the browser back to its size, the staff signed in again), stopped after the last. The
 * city, the browser and the staff are put into the class's one static field of type {@link TestCity}, {@link
 * Browser} and {@link SiteStaff}, so a test reads them as plain fields:
 *
 * <pre>
 * &#64;RegisterExtension static final CityPerClass CITY = CityPerClass.of(() -&gt; TestCity.start(Screens.FAST)).fresh().browser(1440, 1000);
 * static TestCity city;   // set by CITY
 * static Browser browser; // set by CITY
 * static SiteStaff staff; // set by CITY, with .signedIn()
 * </pre>
 *
 * A class with a browser is skipped where no Chromium is installed ({@link Browser#assumeAvailable}).
 */
public final class CityPerClass implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private final Supplier<TestCity> start;
  private boolean fresh;
  private int width;
  private int height;
  private TestCity city;
  private Browser browser;
  private boolean signedIn;
  private boolean firstTest;

  private CityPerClass(Supplier<TestCity> start) {
    this.start = start;
  }

  /** A city started by {@code start}, shared by the class's tests as they leave it. */
  public static CityPerClass of(Supplier<TestCity> start) {
    return new CityPerClass(start);
  }

  /** Each test gets a fresh city: the server restarted on an empty Redis, a simulated clock rewound. */
  public CityPerClass fresh() {
    this.fresh = true;
    return this;
  }

  /** One Chromium window of this size for the class, back to it before each test of a {@link #fresh} class. */
  public CityPerClass browser(int width, int height) {
    this.width = width;
    this.height = height;
    return this;
  }

  /** The demo staff signed in to the city ({@link SiteStaff#signIn}), again to each fresh one. */
  public CityPerClass signedIn() {
    this.signedIn = true;
    return this;
  }

  public TestCity city() {
    return city;
  }

  /**
   * A fresh city now, {@code seed} run on its emptied Redis before the new server starts ({@link TestCity#reset(
   * java.util.function.Consumer)}: data a test lays in directly); the class's field is set to it, and it is the one
   * stopped after the last test.
   */
  public TestCity reset(java.util.function.Consumer<TestCity> seed) {
    city = city.reset(seed);
    return city;
  }

  public Browser browser() {
    return browser;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (width > 0) Browser.assumeAvailable();
    city = start.get();
    if (width > 0) browser = Browser.open(width, height);
    firstTest = true;
    inject(context.getRequiredTestClass());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!fresh) return;
    if (!firstTest) {
      city = city.reset();
      if (browser != null) browser.reset(width, height);
      inject(context.getRequiredTestClass());
    }
    firstTest = false;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (browser != null) browser.close();
    if (city != null) city.close();
  }

  /** Sets the class's static field of that type (of several, the one named {@code city} or {@code browser}). */
  private void inject(Class<?> testClass) {
    set(testClass, TestCity.class, "city", city);
    if (browser != null) set(testClass, Browser.class, "browser", browser);
    if (signedIn) set(testClass, SiteStaff.class, "staff", SiteStaff.signIn(city));
  }

  private static void set(Class<?> testClass, Class<?> type, String name, Object value) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers()) && f.getType() == type) fields.add(f);
      }
    }
    List<Field> named = fields.stream().filter(f -> f.getName().equals(name)).toList();
    List<Field> target = fields.size() == 1 ? fields : named;
    if (target.size() != 1) {
      throw new IllegalStateException(testClass.getSimpleName() + " needs one static " + type.getSimpleName()
          + " field (of several, one named " + name + ") for CityPerClass to set");
    }
    try {
      target.get(0).setAccessible(true);
      target.get(0).set(null, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot set " + testClass.getSimpleName() + "." + target.get(0).getName(), e);
    }
  }
}
