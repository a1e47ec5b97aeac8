package io.vaxflow.flow;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this server knows that an emptied Redis would forget: the highest ticket number it has seen
 * issued per site, day and category (so a restore never issues a number twice), and when it last
 * found a site's data gone. Shared by every site's flow; read by {@code /health} and the metrics.
 */
public final class DataGuard {

  private final Map<String, Map<String, Integer>> highest = new ConcurrentHashMap<>();
  private final AtomicReference<Instant> lastLoss = new AtomicReference<>();
  private final AtomicLong losses = new AtomicLong();

  /** A ticket number seen issued ({@code W042} on {@code day}). */
  void issued(String site, String day, String number) {
    if (day == null || day.isEmpty() || number == null || number.length() < 2) return;
    int seq;
    try {
      seq = Integer.parseInt(number.substring(1));
    } catch (NumberFormatException e) {
      return;
    }
    highest.computeIfAbsent(site, s -> new ConcurrentHashMap<>())
        .merge(day + "|" + number.charAt(0), seq, Math::max);
  }

  /** Per "day|category", the highest sequence number seen issued at the site. */
  Map<String, Integer> highest(String site) {
    return Map.copyOf(highest.getOrDefault(site, Map.of()));
  }

  void lost(Instant at) {
    lastLoss.set(at);
    losses.incrementAndGet();
  }

  /** When a site's data was last found gone (and restored), if ever since this server started. */
  public Optional<Instant> lastLoss() {
    return Optional.ofNullable(lastLoss.get());
  }

  public long losses() {
    return losses.get();
  }
}
