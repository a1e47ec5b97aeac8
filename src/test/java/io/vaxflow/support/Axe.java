package io.vaxflow.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * axe-core (src/test/resources/axe, see its README) run in a page of a {@link Browser}: every rule,
 * the experimental ones included. Call {@link #allowInjection} before loading the pages: it turns the
 * page's CSP off for that browser (CDP {@code Page.setBypassCSP}), so axe can be added to pages that
 * allow no script but their own.
 */
public final class Axe {

  private static final String SOURCE = read("axe/axe.min.js");

  /** Runs every rule; resolves to the violations as text, one block per rule with its nodes. */
  private static final String RUN = """
      const done = arguments[arguments.length - 1];
      const rules = {};
      axe.getRules(['experimental']).forEach((r) => { rules[r.ruleId] = { enabled: true }; });
      axe.run(document, { rules, resultTypes: ['violations'] }).then((r) => done(r.violations.map((v) =>
          v.impact + ' ' + v.id + ': ' + v.help + ' (' + v.helpUrl + ')\\n' + v.nodes.map((n) =>
            '    ' + n.target.join(' ') + '  ' + n.html.replace(/\\s+/g, ' ').slice(0, 240) + '\\n      '
              + (n.failureSummary || '').replace(/\\n/g, '\\n      ')).join('\\n'))))
        .catch((e) => done(['axe failed: ' + e]));
      """;

  private Axe() {}

  public static void allowInjection(Browser b) {
    b.driver.executeCdpCommand("Page.enable", Map.of());
    b.driver.executeCdpCommand("Page.setBypassCSP", Map.of("enabled", true));
  }

  /** The violations axe finds in the page as it is now, each with its nodes. */
  @SuppressWarnings("unchecked")
  public static List<String> violations(Browser b) {
    Boolean loaded = b.js("return typeof window.axe === 'object';");
    if (!loaded) b.js(SOURCE + "\nreturn true;");
    return (List<String>) b.driver.executeAsyncScript(RUN);
  }

  /** Fails, listing every violation with its nodes, unless axe finds none in the page as it is now. */
  public static void assertNoViolations(Browser b, String what) {
    List<String> found = violations(b);
    if (!found.isEmpty()) {
      fail(found.size() + " axe violation(s) on " + what + " (" + b.driver.getCurrentUrl() + "):\n  " + String.join("\n  ", found));
    }
  }

  private static String read(String resource) {
    try (InputStream in = Axe.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is missing from the test classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
