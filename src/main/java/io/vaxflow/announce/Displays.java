package io.vaxflow.announce;

import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hall displays as they are: a display is online while the server hears from it — an ack of a
 * call, its hello, or its bridge ping (every 5 s) — and offline once it has been silent for {@link
 * #ONLINE_MS}, or at once when its connection closes and no other of its connections is open. Each
 * says whether its sound is on ({@link Sound}).
 *
 * <p>What the bridge hears is kept in Redis (lua/display_acks.lua) so every instance and the
 * dashboard see it; a server holds what it heard and writes the latest of each display once per
 * {@link #FLUSH_MS}, so however many acks and pings arrive, a site costs one Redis write a second.
 * At most {@link #MAX_PER_SITE} displays are kept per site (the most recently heard), and one not
 * heard for {@link #KEEP_MS} is forgotten.
 */
public final class Displays {

  /** A display heard from within this is online: it pings every 5 s, and what a server heard is written within a second. */
  public static final long ONLINE_MS = 10_000;
  static final long FLUSH_MS = 1_000;
  static final int MAX_PER_SITE = 50;
  static final long KEEP_MS = 24 * 3_600_000L;

  /** Whether a display can be heard: "on", "off" (the browser refused to play sound), "no-voice" (it only chimes). */
  public enum Sound {
    ON("on"), OFF("off"), NO_VOICE("no-voice");

    private final String wire;

    Sound(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    static Optional<Sound> of(Object wire) {
      return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst();
    }
  }

  /** A display as the dashboard sees it; {@code lastAckAt} empty until it acknowledged a call. */
  public record Seen(String id, Instant lastContactAt, Optional<Instant> lastAckAt, Optional<Sound> sound, boolean online) {}

  /** What this server heard from a display since its last write: the latest contact and the latest ack (0: none). */
  private record Heard(long at, long ackAt, String callId, Optional<Sound> sound, boolean closed) {

    Heard and(Heard later) {
      boolean newer = later.at >= at;
      boolean newerAck = later.ackAt >= ackAt;
      return new Heard(Math.max(at, later.at), Math.max(ackAt, later.ackAt), newerAck ? later.callId : callId,
          newer && later.sound.isPresent() ? later.sound : sound, newer ? later.closed : closed);
    }
  }

  private final Scripts store;
  /** site → display → what was heard of it and not yet written. */
  private final Map<String, Map<String, Heard>> heard = new ConcurrentHashMap<>();
  private final Set<String> writing = ConcurrentHashMap.newKeySet();

  public Displays(Scripts store) {
    this.store = store;
  }

  /** The display said something: an ack of a call ({@code callId}), a hello, or a ping (neither). */
  void heard(String site, String displayId, Optional<String> callId, Optional<Sound> sound) {
    long now = System.currentTimeMillis();
    note(site, displayId, new Heard(now, callId.isPresent() ? now : 0, callId.orElse(""), sound, false));
  }

  /** The display's connection closed, and no other of its connections is open here. */
  void closed(String site, String displayId) {
    note(site, displayId, new Heard(System.currentTimeMillis(), 0, "", Optional.empty(), true));
  }

  private void note(String site, String displayId, Heard h) {
    Map<String, Heard> displays = heard.computeIfAbsent(site, k -> new ConcurrentHashMap<>());
    if (displays.size() >= MAX_PER_SITE && !displays.containsKey(displayId)) return;
    displays.merge(displayId, h, Heard::and);
  }

  /** Writes what each site's displays said, unless its previous write is still under way. */
  void flush() {
    for (String site : heard.keySet()) {
      if (!writing.add(site)) continue;
      Map<String, Heard> batch = heard.remove(site);
      if (batch == null || batch.isEmpty()) {
        writing.remove(site);
        continue;
      }
      long now = System.currentTimeMillis();
      List<ScriptArgs.Heard> out = new ArrayList<>();
      batch.forEach((display, h) -> out.add(new ScriptArgs.Heard(display, h.at(), h.ackAt(), h.callId(),
          h.sound().map(Sound::wire).orElse(""), h.closed())));
      store.run(Script.DISPLAY_ACKS, Scripts.At.site(site, List.of(), now, "", "system"),
              new ScriptArgs.DisplayAcks(now - KEEP_MS, KEEP_MS, MAX_PER_SITE, out))
          .onComplete(ar -> writing.remove(site));
    }
  }

  /** The site's displays (at most {@link #MAX_PER_SITE}), online or not as of now (the wall clock). */
  public Future<List<Seen>> status(String site) {
    return store.send(Request.cmd(Command.HGETALL).arg(SiteKeys.Site.DISPLAY_LAST.of(site))).map(r -> {
      long now = System.currentTimeMillis();
      List<Seen> out = new ArrayList<>();
      if (r == null) return out;
      for (String id : r.getKeys()) out.add(seen(id, r.get(id).toString(), now));
      return out;
    });
  }

  /** A display of lua/display_acks.lua: 'ackMs|callId|contactMs|sound|closed' (an earlier release wrote 'ackMs|callId'). */
  static Seen seen(String id, String value, long now) {
    String[] f = value.split("\\|", -1);
    long ackAt = Long.parseLong(f[0]);
    long contact = f.length > 2 && !f[2].isEmpty() ? Long.parseLong(f[2]) : ackAt;
    Optional<Sound> sound = f.length > 3 ? Sound.of(f[3]) : Optional.empty();
    boolean closed = f.length > 4 && "1".equals(f[4]);
    return new Seen(id, Instant.ofEpochMilli(contact), ackAt > 0 ? Optional.of(Instant.ofEpochMilli(ackAt)) : Optional.empty(),
        sound, !closed && now - contact <= ONLINE_MS);
  }
}
