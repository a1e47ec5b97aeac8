package io.vaxflow.flow;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this server knows that a Redis which lost its data, or its last writes, would forget: the highest ticket
 * number it has seen issued per site, day and category (from its own replies and from every instance's events
 * its stream tails read), so numbering never goes below a number a kiosk was told; which Redis process each site's
 * scripts last ran on (its run id), so a restart or a failover is noticed; and when it last found a site's data
 * gone or Redis restarted. Shared by every site's flow; read by {@code /health}.
 */
public final class DataGuard {

  /** What a run id seen for a site means: nothing new, a Redis restart noticed here first, or one already noticed. */
  enum Restart { NONE, NEW, KNOWN }

  private final Map<String, Map<String, Long>> highest = new ConcurrentHashMap<>();
  private final AtomicReference<Instant> lastLoss = new AtomicReference<>();
  private final AtomicLong losses = new AtomicLong();
  private final Map<String, String> runIds = new ConcurrentHashMap<>();
  private final Set<String> restartsNoticed = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Instant> lastRestart = new AtomicReference<>();
  private final AtomicLong restarts = new AtomicLong();

  /** A ticket number seen issued ({@code W042} on {@code day}) at {@code site}: in a reply, or in any instance's event. */
  public void seen(String site, String day, String number) {
    if (day == null || day.isEmpty() || number == null || number.length() < 2) return;
    long seq;
    try {
      seq = Long.parseLong(number.substring(1));
    } catch (NumberFormatException e) {
      return;
    }
    highest.computeIfAbsent(site, s -> new ConcurrentHashMap<>()).merge(day + "|" + number.charAt(0), seq, Math::max);
  }

  /** Per "day|category", the highest sequence number seen issued at the site. */
  Map<String, Long> highest(String site) {
    return Map.copyOf(highest.getOrDefault(site, Map.of()));
  }

  /** Per category, the highest sequence number seen issued at the site on {@code day}: what a check-in numbers above. */
  Map<String, Long> floors(String site, String day) {
    Map<String, Long> out = new HashMap<>();
    highest.getOrDefault(site, Map.of()).forEach((dayAndCategory, seq) -> {
      if (dayAndCategory.startsWith(day + "|")) out.put(dayAndCategory.substring(day.length() + 1), seq);
    });
    return out;
  }

  void lost(Instant at) {
    lastLoss.set(at);
    losses.incrementAndGet();
  }

  /**
   * The run id of the Redis a site's script just ran on, and whether the script itself found it new (it lifted
   * the numbering). A run id other than the one last seen for the site is a restart or a failover: counted once
   * whichever site finds it first ({@link Restart#NEW}).
   */
  Restart redis(String site, String runId, boolean foundByScript, Instant at) {
    if (runId == null) return Restart.NONE;
    String before = runIds.put(site, runId);
    if (!foundByScript && (before == null || before.equals(runId))) return Restart.NONE;
    if (!restartsNoticed.add(runId)) return Restart.KNOWN;
    restarts.incrementAndGet();
    lastRestart.set(at);
    return Restart.NEW;
  }

  /** When a site's data was last found gone (and restored), if ever since this server started. */
  public Optional<Instant> lastLoss() {
    return Optional.ofNullable(lastLoss.get());
  }

  public long losses() {
    return losses.get();
  }

  /** When a Redis restart (or failover) was last noticed, if ever since this server started. */
  public Optional<Instant> lastRestart() {
    return Optional.ofNullable(lastRestart.get());
  }

  /** Redis restarts (or failovers) noticed since this server started: each new Redis process once. */
  public long restarts() {
    return restarts.get();
  }
}
