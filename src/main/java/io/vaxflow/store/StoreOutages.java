package io.vaxflow.store;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's failures as this server meets them, logged in proportion: one line when a problem starts (Redis
 * full, read-only, failing its disk, or not answering), then at most one a minute while it lasts, with how many
 * requests it failed meanwhile. Every failing request still answers 503; the log does not grow with the load (a
 * full Redis under a busy site used to write a warning per request: 27,000 in 15 s).
 */
public final class StoreOutages {

  private static final Logger LOG = LoggerFactory.getLogger(StoreOutages.class);
  /** At most one line per problem this often. */
  static final long INTERVAL_NS = 60_000_000_000L;

  /** One problem: when it was last met and last logged, and how many failures since that line. */
  private static final class Problem {
    long lastMetNs;
    long lastLoggedNs;
    long since;
  }

  private final Map<String, Problem> problems = new HashMap<>();

  /** A request the store failed. */
  public void met(StoreUnavailable e) {
    String kind = e.refusal().map(Enum::name).orElse("UNAVAILABLE");
    long now = System.nanoTime();
    String line;
    long count;
    synchronized (this) {
      Problem p = problems.computeIfAbsent(kind, k -> new Problem());
      boolean fresh = p.lastMetNs == 0 || now - p.lastMetNs > INTERVAL_NS;
      p.lastMetNs = now;
      p.since++;
      if (!fresh && now - p.lastLoggedNs < INTERVAL_NS) return;
      line = fresh ? started(kind, e) : "";
      count = p.since;
      p.since = 0;
      p.lastLoggedNs = now;
    }
    if (!line.isEmpty()) {
      LOG.warn(line);
    } else {
      LOG.warn("{}: {} requests failed in the last minute ({})", still(kind), String.format(Locale.ROOT, "%,d", count), redisSays(e));
    }
  }

  /** What Redis (or the connection to it) said. */
  private static String redisSays(StoreUnavailable e) {
    Throwable c = e.getCause() == null ? e : e.getCause();
    String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage().strip();
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }

  private static String started(String kind, StoreUnavailable e) {
    String redis = redisSays(e);
    String what = switch (kind) {
      case "OOM" -> "Redis is full and refuses writes (OOM: at maxmemory, policy noeviction)";
      case "READONLY" -> "Redis refuses writes: it is a read-only replica (READONLY)";
      case "MISCONF" -> "Redis refuses writes: it cannot save to its disk (MISCONF)";
      default -> "Redis cannot be reached or did not answer in time";
    };
    return what + ": " + redis + ". Requests that need it answer 503 UNAVAILABLE with Retry-After" + ("UNAVAILABLE".equals(kind)
        ? "" : "; /health says DEGRADED (" + kind + ") until it takes writes again (README, Troubleshooting)")
        + ". Logged again at most once a minute while it lasts";
  }

  private static String still(String kind) {
    return "UNAVAILABLE".equals(kind) ? "Redis still unavailable" : "Redis still refuses writes (" + kind + ")";
  }
}
