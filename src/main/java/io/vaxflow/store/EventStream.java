package io.vaxflow.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a site's event stream (the audit log): one day's entries page by page, from its first event; and its calls
 * index, which holds the call events alone (same ids), capped.
 */
public final class EventStream {

  /** A stream entry id as Redis writes it: milliseconds, a dash, a sequence number. */
  public static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9]{1,19}-[0-9]{1,19}");

  /** One entry: its stream id and its fields. */
  public record Entry(String id, Map<String, String> fields) {
    public String get(String field) {
      return fields.getOrDefault(field, "");
    }
  }

  /**
   * Where a day's entries are: from its first event ({@code from}, inclusive) to {@code to}, the next kept day's
   * first event (exclusive, written {@code (id}), or for the last day the stream's last entry when asked
   * (inclusive): an export of today ends with what there was when it began.
   */
  public record DayRange(String from, String to) {}

  /** A page of a range: its entries, oldest first, and where the next page starts (empty: the range is done). */
  public record Page(List<Entry> entries, Optional<String> next) {}

  /** Entries read at a time by {@link #dayOf}. */
  private static final int TYPE_PAGE = 1000;

  private final Scripts store;

  public EventStream(Scripts store) {
    this.store = store;
  }

  /** The stream ids of {@code day}'s entries at {@code site}, if the stream still keeps that day. */
  public Future<Optional<DayRange>> dayRange(String site, String day) {
    return store.send(Request.cmd(Command.HGETALL).arg(SiteKeys.Site.DAY_START.of(site))).compose(r -> {
      Map<String, String> starts = new java.util.TreeMap<>();
      if (r != null) for (String k : r.getKeys()) starts.put(k, r.get(k).toString());
      String from = starts.get(day);
      if (from == null) return Future.succeededFuture(Optional.<DayRange>empty());
      Optional<String> next = starts.entrySet().stream().filter(e -> e.getKey().compareTo(day) > 0)
          .map(Map.Entry::getValue).min(EventStream::compare);
      if (next.isPresent()) return Future.succeededFuture(Optional.of(new DayRange(from, "(" + next.get())));
      return store.send(Request.cmd(Command.XREVRANGE).arg(SiteKeys.Site.EVENTS.of(site)).arg("+").arg("-").arg("COUNT").arg(1))
          .map(last -> last == null || last.size() == 0 ? Optional.<DayRange>empty()
              : Optional.of(new DayRange(from, last.get(0).get(0).toString())));
    });
  }

  /** The day's entries of one type ({@code shot}), oldest first: the day's range read a page at a time. */
  public Future<List<Entry>> dayOf(String site, String day, String type) {
    return dayRange(site, day).compose(range -> {
      List<Entry> out = new ArrayList<>();
      if (range.isEmpty()) return Future.succeededFuture(out);
      return ofType(site, range.get().from(), range.get().to(), type, out);
    });
  }

  private Future<List<Entry>> ofType(String site, String from, String to, String type, List<Entry> out) {
    return read(site, from, to, TYPE_PAGE).compose(reply -> {
      Page p = page(reply, TYPE_PAGE);
      for (Entry e : p.entries()) if (type.equals(e.get("type"))) out.add(e);
      return p.next().isPresent() ? ofType(site, p.next().get(), to, type, out) : Future.succeededFuture(out);
    });
  }

  /**
   * Up to {@code count} entries of the site's stream from {@code from} to {@code to} (XRANGE bounds), one round trip:
   * Redis's reply as it came, to be read into a {@link #page} where that costs no one (off the event loop).
   */
  public Future<Response> read(String site, String from, String to, int count) {
    return store.send(Request.cmd(Command.XRANGE).arg(SiteKeys.Site.EVENTS.of(site)).arg(from).arg(to).arg("COUNT").arg(count));
  }

  /** A {@link #read} reply of at most {@code count} entries as a page. */
  public static Page page(Response reply, int count) {
    List<Entry> out = new ArrayList<>(reply == null ? 0 : reply.size());
    if (reply != null) for (Response e : reply) out.add(entry(e));
    Optional<String> next = out.size() < count ? Optional.empty() : Optional.of("(" + out.get(out.size() - 1).id());
    return new Page(out, next);
  }

  /**
   * The day's calls after {@code after} (exclusive; from the day's first event when it is older or
   * absent), the latest {@code max} of them, oldest first: one bounded read of the calls index.
   */
  public Future<List<Entry>> calls(String site, String day, Optional<String> after, int max) {
    return store.send(Request.cmd(Command.HGET).arg(SiteKeys.Site.DAY_START.of(site)).arg(day)).compose(r -> {
      if (r == null) return Future.succeededFuture(List.of());
      String dayStart = r.toString();
      String from = after.filter(a -> compare(a, dayStart) >= 0).map(a -> "(" + a).orElse(dayStart);
      Request req = Request.cmd(Command.XREVRANGE).arg(SiteKeys.Site.CALLS.of(site)).arg("+").arg(from).arg("COUNT").arg(max);
      return store.send(req).map(resp -> {
        List<Entry> out = new ArrayList<>();
        for (Response e : resp) out.add(entry(e));
        Collections.reverse(out);
        return out;
      });
    });
  }

  /** Orders two stream ids (ms-seq). */
  public static int compare(String a, String b) {
    String[] x = a.split("-", 2), y = b.split("-", 2);
    int c = Long.compareUnsigned(Long.parseUnsignedLong(x[0]), Long.parseUnsignedLong(y[0]));
    if (c != 0) return c;
    return Long.compareUnsigned(x.length > 1 ? Long.parseUnsignedLong(x[1]) : 0, y.length > 1 ? Long.parseUnsignedLong(y[1]) : 0);
  }

  /** One entry of an XRANGE, XREVRANGE or XREAD reply. */
  public static Entry entry(Response e) {
    Response f = e.get(1);
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < f.size(); i += 2) fields.put(f.get(i).toString(), f.get(i + 1).toString());
    return new Entry(e.get(0).toString(), fields);
  }
}
