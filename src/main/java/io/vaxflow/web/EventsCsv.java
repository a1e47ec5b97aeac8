package io.vaxflow.web;

import io.vaxflow.store.EventStream;
import io.vaxflow.view.Views;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site's day of events as CSV for a spreadsheet, one line per event (the rest of its fields in "details"), written
 * as it is read: the day's entries a page at a time (XRANGE from its first event), each page written before the next
 * is read, and the next read only once the client has taken the last (the response's write queue drained). However
 * big the day (a 20,000-person day is about 200,000 events, 25 MB), the server holds a page of it, Redis answers
 * one short read at a time between check-ins, and a client that stops reading stops the reads.
 */
final class EventsCsv {

  private static final Logger LOG = LoggerFactory.getLogger(EventsCsv.class);
  static final String HEADER = "eventId,at,type,number,from,to,station,by,details\n";
  /** Entries read at once: one XRANGE of a page takes Redis well under a millisecond. */
  static final int PAGE = 500;
  private static final Set<String> COLUMNS = Set.of("type", "day", "at", "by", "number", "from", "to", "station");

  private final EventStream events;
  private final Views views;
  private final String site;
  private final String day;
  private final HttpServerResponse response;
  private EventStream.DayRange range;

  private EventsCsv(EventStream events, Views views, String site, String day, HttpServerResponse response) {
    this.events = events;
    this.views = views;
    this.site = site;
    this.day = day;
    this.response = response;
  }

  /** Sends {@code day}'s events of {@code site} as {@code <site>-<day>.csv}; only the header when the stream keeps none of it. */
  static void send(RoutingContext ctx, EventStream events, Views views, String site, String day) {
    events.dayRange(site, day).onSuccess(range -> {
      HttpServerResponse response = ctx.response().setChunked(true)
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + site + "-" + day + ".csv\"");
      response.write(HEADER);
      if (range.isEmpty()) {
        response.end();
        return;
      }
      EventsCsv csv = new EventsCsv(events, views, site, day, response);
      csv.range = range.get();
      csv.next(range.get().from());
    }).onFailure(ctx::fail);
  }

  /** Reads the page from {@code from}, writes it, and goes on when the client has room for more. */
  private void next(String from) {
    if (response.closed()) return; // the client went away: nothing more is read
    events.page(site, from, range.to(), PAGE).onSuccess(page -> {
      if (response.closed()) return;
      response.write(lines(page.entries()));
      if (page.next().isEmpty()) {
        response.end();
      } else if (response.writeQueueFull()) {
        response.drainHandler(v -> next(page.next().get()));
      } else {
        next(page.next().get());
      }
    }).onFailure(err -> {
      // the head is sent: the client can only be told by a cut connection (its file ends without its last lines)
      LOG.warn("events.csv of {} {} cut off: {}", site, day, err.getMessage());
      response.reset();
    });
  }

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
