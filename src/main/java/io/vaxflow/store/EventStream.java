package io.vaxflow.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a site's event stream (the audit log): one day's entries, from its first event or after a given id. */
public final class EventStream {

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

  private Future<List<Entry>> page(String site, String day, String from, int limit, List<Entry> out) {
    Request req = Request.cmd(Command.XRANGE).arg(SiteKeys.events(site)).arg(from).arg("+").arg("COUNT").arg(PAGE);
    return store.send(req).compose(resp -> {
      String last = null;
      for (Response e : resp) {
        last = e.get(0).toString();
        Response f = e.get(1);
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < f.size(); i += 2) fields.put(f.get(i).toString(), f.get(i + 1).toString());
        if (day.equals(fields.get("day"))) out.add(new Entry(last, fields));
        if (out.size() >= limit) return Future.succeededFuture(out);
      }
      if (resp.size() < PAGE || last == null) return Future.succeededFuture(out);
      return page(site, day, "(" + last, limit, out);
    });
  }
}
