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
 * Reads a site's event stream (the audit log): one day's entries, from its first event or after a
 * given id; and its calls index, which holds the call events alone (same ids), capped.
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

  private static final int PAGE = 1000;
  private final Scripts store;

  public EventStream(Scripts store) {
    this.store = store;
  }

  /** The day's entries after {@code after} (exclusive), or all of the day's, oldest first, at most {@code limit}. */
  public Future<List<Entry>> day(String site, String day, Optional<String> after, int limit) {
    Future<Optional<String>> start = after.isPresent()
        ? Future.succeededFuture(Optional.of("(" + after.get()))
        : store.send(Request.cmd(Command.HGET).arg(SiteKeys.dayStart(site)).arg(day))
            .map(r -> Optional.ofNullable(r).map(Response::toString));
    return start.compose(from -> {
      List<Entry> out = new ArrayList<>();
      if (from.isEmpty()) return Future.succeededFuture(out);
      return page(site, day, from.get(), limit, out);
    });
  }

  /** The day's entries of one type ({@code shot}), oldest first: the day's stream read page by page from its first event. */
  public Future<List<Entry>> dayOf(String site, String day, String type) {
    return store.send(Request.cmd(Command.HGET).arg(SiteKeys.dayStart(site)).arg(day)).compose(r -> {
      List<Entry> out = new ArrayList<>();
      if (r == null) return Future.succeededFuture(out);
      return page(site, day, r.toString(), Integer.MAX_VALUE, e -> type.equals(e.get("type")), out);
    });
  }

  /**
   * The day's calls after {@code after} (exclusive; from the day's first event when it is older or
   * absent), the latest {@code max} of them, oldest first: one bounded read of the calls index.
   */
  public Future<List<Entry>> calls(String site, String day, Optional<String> after, int max) {
    return store.send(Request.cmd(Command.HGET).arg(SiteKeys.dayStart(site)).arg(day)).compose(r -> {
      if (r == null) return Future.succeededFuture(List.of());
      String dayStart = r.toString();
      String from = after.filter(a -> compare(a, dayStart) >= 0).map(a -> "(" + a).orElse(dayStart);
      Request req = Request.cmd(Command.XREVRANGE).arg(SiteKeys.calls(site)).arg("+").arg(from).arg("COUNT").arg(max);
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

  private Future<List<Entry>> page(String site, String day, String from, int limit, List<Entry> out) {
    return page(site, day, from, limit, e -> true, out);
  }

  private Future<List<Entry>> page(String site, String day, String from, int limit, java.util.function.Predicate<Entry> wanted,
      List<Entry> out) {
    Request req = Request.cmd(Command.XRANGE).arg(SiteKeys.events(site)).arg(from).arg("+").arg("COUNT").arg(PAGE);
    return store.send(req).compose(resp -> {
      String last = null;
      for (Response e : resp) {
        Entry entry = entry(e);
        last = entry.id();
        if (day.equals(entry.get("day")) && wanted.test(entry)) out.add(entry);
        if (out.size() >= limit) return Future.succeededFuture(out);
      }
      if (resp.size() < PAGE || last == null) return Future.succeededFuture(out);
      return page(site, day, "(" + last, limit, wanted, out);
    });
  }
}
