package io.vaxflow.web;

import io.vaxflow.store.EventStream;
import io.vaxflow.view.Views;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site's day of events as CSV for a spreadsheet, one line per event (the rest of its fields in "details"), written
 * as it is read: the day's entries a page at a time (XRANGE from its first event), each page turned into lines on a
 * worker thread (never on the event loop, which serves every request) and written before the next is read, and the
 * next read only once the client has taken the last (the response's write queue drained). The exports of a server
 * take turns ({@link Turns}): one page is read and made at a time, whichever export it is for, with a rest twice as
 * long after it, so six exports at once cost Redis and the server what one does (at most a third of their time), and
 * take six times as long. However big the day (a 20,000-person day is
 * about 210,000 events, 25 MB), an export holds a page of it, and a client that stops reading stops the reads.
 */
final class EventsCsv {

  private static final Logger LOG = LoggerFactory.getLogger(EventsCsv.class);
  static final String HEADER = "eventId,at,type,number,from,to,station,by,details\n";
  /**
   * Entries read at once: Redis' reply to a page is parsed on the event loop the check-ins share, so a small page
   * (100: ~0.5 ms) keeps their p99 within 1.5× while six exports run, where 500 did not (README, the benchmark).
   */
  static final int PAGE = 100;
  private static final Set<String> COLUMNS = Set.of("type", "day", "at", "by", "number", "from", "to", "station");

  /**
   * The turns the exports of a server take: one page at a time for all of them (read, made into lines, written),
   * in the order they asked, and after each turn a rest {@link #REST} times as long as it took, so that exports
   * together take at most a third of the time of Redis and of the server, whatever the machine. An export whose client has no room waits
   * for it without holding a turn.
   */
  static final class Turns {
    /**
     * The rest after a turn, in turns: with 1, check-in p99 rose ×1.7–2.3 in the calm rows measured while six
     * exports ran on 2 cores.
     */
    static final int REST = 2;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile long turnStartedNs;

    /** {@code page} runs on its turn and calls {@link #done} when its page is written (or given up). */
    void take(Runnable page) {
      waiting.add(page);
      pump();
    }

    /** The turn is over: the next one comes after a rest {@link #REST} times as long as this one took. */
    void done(io.vertx.core.Vertx vertx) {
      long restMs = REST * (System.nanoTime() - turnStartedNs) / 1_000_000;
      if (restMs < 1) {
        busy.set(false);
        pump();
      } else {
        vertx.setTimer(restMs, id -> {
          busy.set(false);
          pump();
        });
      }
    }

    private void pump() {
      while (!waiting.isEmpty() && busy.compareAndSet(false, true)) {
        Runnable next = waiting.poll();
        if (next == null) {
          busy.set(false);
        } else {
          turnStartedNs = System.nanoTime();
          next.run();
        }
      }
    }
  }

  private final EventStream events;
  private final Views views;
  private final Turns turns;
  private final String site;
  private final String day;
  private final RoutingContext ctx;
  private final HttpServerResponse response;
  /** The request's event loop: every step but the making of lines runs on it. */
  private final Context loop;
  private EventStream.DayRange range;

  private EventsCsv(EventStream events, Views views, Turns turns, String site, String day, RoutingContext ctx) {
    this.events = events;
    this.views = views;
    this.turns = turns;
    this.site = site;
    this.day = day;
    this.ctx = ctx;
    this.response = ctx.response();
    this.loop = ctx.vertx().getOrCreateContext();
  }

  /** Sends {@code day}'s events of {@code site} as {@code <site>-<day>.csv}; only the header when the stream keeps none of it. */
  static void send(RoutingContext ctx, EventStream events, Views views, Turns turns, String site, String day) {
    events.dayRange(site, day).onSuccess(range -> {
      HttpServerResponse response = ctx.response().setChunked(true)
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + site + "-" + day + ".csv\"");
      response.write(HEADER);
      if (range.isEmpty()) {
        response.end();
        return;
      }
      EventsCsv csv = new EventsCsv(events, views, turns, site, day, ctx);
      csv.range = range.get();
      csv.next(range.get().from());
    }).onFailure(ctx::fail);
  }

  /** The page from {@code from} on this export's next turn, back on the request's event loop. */
  private void next(String from) {
    if (response.closed()) return; // the client went away: nothing more is read
    turns.take(() -> loop.runOnContext(v -> page(from)));
  }

  /** Reads the page, makes its lines on a worker, writes them; the turn is given back once they are written. */
  private void page(String from) {
    if (response.closed()) {
      turns.done(ctx.vertx());
      return;
    }
    events.read(site, from, range.to(), PAGE)
        .compose(reply -> ctx.vertx().executeBlocking(() -> {
          EventStream.Page page = EventStream.page(reply, PAGE);
          return new Lines(lines(page.entries()), page.next());
        }, false))
        .onComplete(ar -> {
          turns.done(ctx.vertx());
          if (ar.failed()) {
            // the head is sent: the client can only be told by a cut connection (its file ends without its last lines)
            LOG.warn("events.csv of {} {} cut off: {}", site, day, ar.cause().getMessage());
            response.reset();
            return;
          }
          if (response.closed()) return;
          Lines lines = ar.result();
          response.write(lines.text());
          if (lines.next().isEmpty()) {
            response.end();
          } else if (response.writeQueueFull()) {
            response.drainHandler(v -> next(lines.next().get()));
          } else {
            next(lines.next().get());
          }
        });
  }

  /** A page's lines, and where the next page starts. */
  private record Lines(String text, Optional<String> next) {}

  /** The page's lines: its entries of the day (a stream holds every day's; the day's range can hold another day's stray). */
  private String lines(List<EventStream.Entry> entries) {
    StringBuilder csv = new StringBuilder(entries.size() * 128);
    for (EventStream.Entry e : entries) {
      if (!day.equals(e.get("day"))) continue;
      StringBuilder details = new StringBuilder();
      e.fields().forEach((k, v) -> {
        if (!COLUMNS.contains(k)) details.append(details.length() == 0 ? "" : ";").append(k).append('=').append(v);
      });
      csv.append(e.id()).append(',')
          .append(views.time(Instant.ofEpochMilli(Long.parseLong(e.get("at"))))).append(',')
          .append(cell(e.get("type"))).append(',').append(cell(e.get("number"))).append(',')
          .append(cell(e.get("from"))).append(',').append(cell(e.get("to"))).append(',')
          .append(cell(e.get("station"))).append(',').append(cell(e.get("by"))).append(',')
          .append(cell(details.toString())).append('\n');
    }
    return csv.toString();
  }

  /** A CSV cell, quoted when needed; a leading = + - @ is defused so spreadsheets do not run it. */
  static String cell(String v) {
    String s = v.isEmpty() || "=+-@".indexOf(v.charAt(0)) < 0 ? v : "'" + v;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
