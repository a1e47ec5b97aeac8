package io.vaxflow.notify;

import io.vaxflow.store.EventStream;
import io.vaxflow.store.EventStream.Entry;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver (a webhook, the immunization registry) reading one site's stream, {@code vf:{site}:events}, through
 * its consumer group ({@code webhook:<id>}, {@link Destination#group}) as this instance's consumer:
 * <ul>
 *   <li>{@link #pump}: XREADGROUP of new entries, as many as the receiver's budget has room for; entries it does not
 *       take are acknowledged at once, each other one is delivered;
 *   <li>a delivery is retried 1 s after a failure, doubling up to {@code notify.retryCapSec}, until the receiver
 *       answers 2xx; then what the delivery settles ({@link Destination#delivered}) and XACK. Until then the entry stays in the group's pending entries, owned by this instance,
 *       which {@link #touch}es what it holds every third of {@code claimIdleSec} so no one takes it over;
 *   <li>{@link #claim}: XAUTOCLAIM of entries pending longer than {@code claimIdleSec} (an instance stopped or
 *       died holding them), delivered here. Before it, pending entries the stream's trim (a day leaves it
 *       {@code audit.retentionDays} days after) removed are logged as lost and acknowledged: read from XPENDING, so Redis 6.2 and 7 say the same (never from
 *       XAUTOCLAIM's 7.0-only list of deleted ids).
 * </ul>
 * Everything here runs on the verticle's event loop.
 */
final class Lane {

  private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
  /** New entries read at once, at most (fewer when the budget is smaller). */
  private static final int READ_MAX = 100;

  private final Hook hook;
  private final String site;
  private final String key;
  private final String group;
  /** Entries this instance is delivering (retrying), by stream id. */
  private final Map<String, Delivery> held = new LinkedHashMap<>();
  private boolean reading;
  private boolean again;
  private boolean starved;
  private boolean claiming;
  /** A claim found the budget spent: it goes first when a slot is given back (older events before newer ones). */
  private boolean claimWanted;
  private String claimFrom = "0-0";
  private long pending;
  private long oldestMs;
  private String trimWarned = "";

  /** An entry being delivered: its delivery id, its body once built, its attempts and retry timer. */
  private static final class Delivery {
    final Entry entry;
    final String id;
    Buffer body;
    int attempts;
    long timer = -1;

    Delivery(Entry entry, String id) {
      this.entry = entry;
      this.id = id;
    }
  }

  Lane(Hook hook, String site) {
    this.hook = hook;
    this.site = site;
    this.key = SiteKeys.Site.EVENTS.of(site);
    this.group = hook.receiver.group();
  }

  /**
   * The delivery id of an event for a receiver: the same for every attempt and every instance (a receiver dedups by
   * it), different for each receiver and event.
   */
  static String deliveryId(String receiver, String site, String eventId) {
    return receiver + "." + site + "." + eventId;
  }

  /**
   * The group, created at the stream's end ({@code $}) the first time: the history before the webhook was
   * configured is not sent. Afterwards it exists (BUSYGROUP) and keeps its place across restarts.
   */
  Future<Void> createGroup() {
    return hook.store.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(key).arg(group).arg("$").arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(err -> String.valueOf(err.getMessage()).contains("BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /** Consumers of stopped instances (nothing pending, idle over {@code idleMs}) removed, so the group stays small. */
  Future<Void> forgetConsumers(long idleMs) {
    return hook.store.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(key).arg(group)).compose(r -> {
      List<Future<?>> gone = new ArrayList<>();
      for (Response c : r) {
        if (c.get("pending").toLong() == 0 && c.get("idle").toLong() > idleMs) {
          gone.add(hook.store.send(Request.cmd(Command.XGROUP).arg("DELCONSUMER").arg(key).arg(group).arg(c.get("name").toString())));
        }
      }
      return Future.all(gone).<Void>mapEmpty();
    }).recover(err -> Future.succeededFuture());
  }

  /** Reads new entries, as many as the budget allows; again at once while there may be more. */
  void pump() {
    if (hook.stopped()) return;
    if (reading) {
      again = true;
      return;
    }
    int n = hook.reserve(READ_MAX);
    if (n == 0) {
      starved = true;
      return;
    }
    starved = false;
    reading = true;
    again = false;
    hook.store.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg(hook.consumer).arg("COUNT").arg(n)
        .arg("STREAMS").arg(key).arg(">")).onComplete(ar -> {
          reading = false;
          if (ar.failed()) {
            hook.release(n);
            readFailed(ar.cause());
            return;
          }
          List<Entry> entries = entries(ar.result());
          hook.release(n - take(entries));
          if (again || entries.size() == n) pump();
        });
  }

  void pumpIfStarved() {
    if (starved) pump();
  }

  void claimIfWanted() {
    if (claimWanted) claim();
  }

  private void readFailed(Throwable err) {
    if (String.valueOf(err.getMessage()).contains("NOGROUP")) {
      // the stream or the group is gone (Redis lost its data, or someone removed it): created again at the end
      LOG.warn("receiver {}: the consumer group of {} was missing; created again at the stream's end (events before are not sent)",
          hook.receiver.id(), site);
      createGroup();
    } else {
      hook.failed("reading " + site + "'s events", err);
    }
  }

  /**
   * Starts delivering each entry the receiver takes, each on a reserved slot; acknowledges the others at once.
   * Returns how many slots were used.
   */
  private int take(List<Entry> entries) {
    List<String> skip = new ArrayList<>();
    int started = 0;
    for (Entry e : entries) {
      if (!hook.receiver.takes(e)) {
        skip.add(e.id());
      } else if (!held.containsKey(e.id())) {
        Delivery d = new Delivery(e, deliveryId(hook.receiver.id(), site, e.id()));
        held.put(e.id(), d);
        started++;
        attempt(d);
      }
    }
    if (!skip.isEmpty()) ack(skip);
    return started;
  }

  private void attempt(Delivery d) {
    if (hook.stopped()) return;
    d.timer = -1;
    d.attempts++;
    Future<Optional<Buffer>> body = d.body != null ? Future.succeededFuture(Optional.of(d.body)) : hook.receiver.body(site, d.entry);
    body.compose(b -> {
      if (b.isEmpty()) return done(d, "skipped"); // nothing left to send (a reminder whose booking is gone)
      d.body = b.get();
      return hook.receiver.send(d.id, site, d.entry, d.body).compose(status -> status / 100 == 2
          ? hook.receiver.delivered(site, d.entry).compose(v -> done(d, "delivered"))
          : Future.failedFuture("the receiver answered " + status));
    }).onFailure(err -> retry(d, err));
  }

  private void retry(Delivery d, Throwable err) {
    if (hook.stopped()) return;
    hook.metrics.delivery(hook.receiver.id(), "failed");
    hook.failed("delivering " + d.id, err);
    long delay = Math.min(hook.settings.retryCapSec() * 1000L, 1000L << Math.min(d.attempts - 1, 20));
    d.timer = hook.vertx.setTimer(delay, id -> attempt(d));
  }

  /** The receiver has it (or there is nothing to send): acknowledged, its slot given back. */
  private Future<Void> done(Delivery d, String outcome) {
    hook.metrics.delivery(hook.receiver.id(), outcome);
    held.remove(d.entry.id());
    hook.release(1);
    // an acknowledgement lost to a Redis outage leaves it pending: claimed and sent again later (a duplicate)
    ack(List.of(d.entry.id()));
    return Future.succeededFuture();
  }

  private void ack(List<String> ids) {
    Request req = Request.cmd(Command.XACK).arg(key).arg(group);
    ids.forEach(req::arg);
    hook.store.send(req).onFailure(err -> hook.failed("acknowledging " + site + "'s events", err));
  }

  /** Resets the idle time of what this instance holds, so no other instance takes it over while it retries. */
  void touch() {
    if (held.isEmpty() || hook.stopped()) return;
    Request req = Request.cmd(Command.XCLAIM).arg(key).arg(group).arg(hook.consumer).arg(0);
    held.keySet().forEach(req::arg);
    hook.store.send(req.arg("JUSTID")).onFailure(err -> hook.failed("holding " + site + "'s pending events", err));
  }

  /** Takes over entries pending longer than {@code claimIdleSec} (their instance stopped), after noting the trimmed ones. */
  void claim() {
    if (hook.stopped() || claiming) return;
    int n = hook.reserve(READ_MAX);
    claimWanted = n == 0;
    if (n == 0) return;
    claiming = true;
    long idleMs = hook.settings.claimIdleSec() * 1000L;
    trimmed(idleMs)
        .compose(v -> hook.store.send(Request.cmd(Command.XAUTOCLAIM).arg(key).arg(group).arg(hook.consumer).arg(idleMs)
            .arg(claimFrom).arg("COUNT").arg(n)))
        .onComplete(ar -> {
          claiming = false;
          if (ar.failed()) {
            hook.release(n);
            if (!String.valueOf(ar.cause().getMessage()).contains("NOGROUP")) hook.failed("claiming " + site + "'s pending events", ar.cause());
            return;
          }
          Response r = ar.result(); // [next start, entries] (7.0 adds deleted ids: not read)
          claimFrom = r.get(0).toString();
          List<Entry> entries = new ArrayList<>();
          int gone = 0;
          for (Response e : r.get(1)) {
            if (e == null || e.size() < 2 || e.get(1) == null) gone++; // 6.2: an entry trimmed since the check above
            else entries.add(EventStream.entry(e));
          }
          if (gone > 0) LOG.warn("receiver {}: {} pending events of {} were trimmed from the stream before delivery (lost)",
              hook.receiver.id(), gone, site);
          if (!entries.isEmpty()) LOG.info("receiver {}: took over {} events of {} pending on a stopped instance", hook.receiver.id(),
              entries.size(), site);
          hook.release(n - take(entries));
          if (!"0-0".equals(claimFrom) && r.get(1).size() == n) claim(); // more to take over
        });
  }

  /**
   * Pending entries the stream no longer has (its trim, days older than audit.retentionDays, went past them while their
   * receiver was down and no instance held them): logged as lost, counted, acknowledged.
   */
  private Future<Void> trimmed(long idleMs) {
    return hook.store.send(Request.cmd(Command.XPENDING).arg(key).arg(group)).compose(summary -> {
      if (summary == null || summary.get(0).toLong() == 0) return Future.succeededFuture();
      String smallest = summary.get(1).toString();
      return first().compose(first -> {
        if (first.isPresent() && EventStream.compare(smallest, first.get()) >= 0) return Future.succeededFuture();
        Request req = Request.cmd(Command.XPENDING).arg(key).arg(group).arg("IDLE").arg(idleMs).arg("-")
            .arg(first.map(f -> "(" + f).orElse("+")).arg("COUNT").arg(1000);
        return hook.store.send(req).compose(list -> {
          List<String> lost = new ArrayList<>();
          for (Response p : list) {
            if (!held.containsKey(p.get(0).toString())) lost.add(p.get(0).toString());
          }
          if (lost.isEmpty()) return Future.<Void>succeededFuture();
          LOG.warn("receiver {}: {} events of {} were trimmed from the stream (audit.retentionDays) before they were delivered: lost ({} .. {})",
              hook.receiver.id(), lost.size(), site, lost.get(0), lost.get(lost.size() - 1));
          lost.forEach(id -> hook.metrics.delivery(hook.receiver.id(), "lost"));
          ack(lost);
          return Future.<Void>succeededFuture();
        });
      });
    }).recover(err -> Future.succeededFuture()); // noticed next time
  }

  /** The stream's first entry id, if it has one. */
  private Future<Optional<String>> first() {
    return hook.store.send(Request.cmd(Command.XRANGE).arg(key).arg("-").arg("+").arg("COUNT").arg(1))
        .map(r -> r == null || r.size() == 0 ? Optional.<String>empty() : Optional.of(r.get(0).get(0).toString()));
  }

  /**
   * The backlog: entries pending (read, not answered 2xx) and the oldest event not yet delivered, the older of the
   * oldest pending and the first entry not read yet. Warns once when the trim went past entries never read.
   */
  Future<Void> readStatus() {
    Future<Response> summary = hook.store.send(Request.cmd(Command.XPENDING).arg(key).arg(group));
    Future<Response> groups = hook.store.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(key));
    return Future.all(summary, groups).compose(all -> {
      long count = summary.result() == null ? 0 : summary.result().get(0).toLong();
      long oldestPending = count == 0 ? 0 : ms(summary.result().get(1).toString());
      String last = null;
      for (Response g : groups.result()) {
        if (group.equals(g.get("name").toString())) last = g.get("last-delivered-id").toString();
      }
      if (last == null) {
        pending = count;
        oldestMs = oldestPending;
        return Future.<Void>succeededFuture();
      }
      String lastRead = last;
      return Future.all(hook.store.send(Request.cmd(Command.XRANGE).arg(key).arg("(" + lastRead).arg("+").arg("COUNT").arg(1)), first())
          .map(both -> {
            Response next = both.resultAt(0);
            Optional<String> first = both.resultAt(1);
            long unread = next == null || next.size() == 0 ? 0 : ms(next.get(0).get(0).toString());
            pending = count;
            oldestMs = oldestPending == 0 ? unread : unread == 0 ? oldestPending : Math.min(oldestPending, unread);
            if (!"0-0".equals(lastRead) && first.isPresent() && EventStream.compare(lastRead, first.get()) < 0
                && !trimWarned.equals(lastRead)) {
              trimWarned = lastRead;
              LOG.warn("receiver {}: the stream of {} was trimmed past events it had not read yet: events after {} and before {} "
                  + "may be lost (the stream keeps audit.retentionDays days of events)", hook.receiver.id(), site, lastRead, first.get());
            }
            return (Void) null;
          });
    }).recover(err -> Future.succeededFuture());
  }

  long pending() {
    return pending;
  }

  long oldestMs() {
    return oldestMs;
  }

  void stop() {
    held.values().forEach(d -> {
      if (d.timer >= 0) hook.vertx.cancelTimer(d.timer);
    });
  }

  /** The entries of an XREADGROUP reply (RESP2: [[key, entries]]; RESP3: {key: entries}, iterated as pairs). */
  private static List<Entry> entries(Response r) {
    List<Entry> out = new ArrayList<>();
    if (r == null) return out;
    for (Response stream : r) {
      for (Response e : stream.get(1)) out.add(EventStream.entry(e));
    }
    return out;
  }

  /** The milliseconds of a stream id. */
  private static long ms(String id) {
    return Long.parseLong(id.substring(0, id.indexOf('-')));
  }
}
