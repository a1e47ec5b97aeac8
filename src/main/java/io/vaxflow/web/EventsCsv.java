package io.vaxflow.web;

import io.vaxflow.view.Views;
import io.vaxflow.store.EventStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** A site's day of events as CSV for a spreadsheet: one line per event, the rest of its fields in "details". */
final class EventsCsv {

  static final String HEADER = "eventId,at,type,number,from,to,station,by,details\n";
  private static final Set<String> COLUMNS = Set.of("type", "day", "at", "by", "number", "from", "to", "station");

  private EventsCsv() {
  }

  static String of(List<EventStream.Entry> entries, Views views) {
    StringBuilder csv = new StringBuilder(HEADER);
    for (EventStream.Entry e : entries) {
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
    return s.matches("[^,\"\\n\\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
