package io.vaxflow.immunization;

import io.vaxflow.security.PersonalData;
import io.vaxflow.store.EventStream;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The shots the store holds: one by its id, a day's at a site (from its events), the person of one; noting a delivery. */
public record Shots(Scripts store, Clock clock, ZoneId zone, PersonalData personal) {

  /** The stream event of a shot (lua/done.lua at a booth): its fields name the shot, never the person. */
  public static final String EVENT = "shot";
  /** Shots (or people) asked of Redis at once when a whole day is read. */
  private static final int CHUNK = 100;

  /** The shot with that id at {@code site}, while its record is kept. */
  public Future<Optional<Shot>> shot(String site, String shotId) {
    return store.send(Request.cmd(Command.HGETALL).arg(SiteKeys.Site.SHOT.of(site, shotId))).map(r -> Shot.of(site, shotId, map(r)));
  }

  /** The shots given at {@code site} on {@code day}, in the order they were given (those whose record is still kept). */
  public Future<List<Shot>> day(String site, String day) {
    return new EventStream(store).dayOf(site, day, EVENT).compose(entries -> inChunks(entries, e -> shot(site, e.get("shotId"))))
        .map(found -> found.stream().flatMap(Optional::stream).toList());
  }

  /** Who each of {@code shots} was given to ({@link #person}), in the same order. */
  public Future<List<Shot.Person>> people(List<Shot> shots) {
    return inChunks(shots, this::person);
  }

  /** {@code ask} of every item, {@link #CHUNK} at a time (a day of a big site is thousands: never all at once), in order. */
  static <T, R> Future<List<R>> inChunks(List<T> items, java.util.function.Function<T, Future<R>> ask) {
    List<R> out = new ArrayList<>(items.size());
    return chunk(items, 0, ask, out).map(v -> out);
  }

  private static <T, R> Future<Void> chunk(List<T> items, int from, java.util.function.Function<T, Future<R>> ask, List<R> out) {
    if (from >= items.size()) return Future.succeededFuture();
    List<Future<R>> each = items.subList(from, Math.min(items.size(), from + CHUNK)).stream().map(ask).toList();
    return Future.all(each).compose(v -> {
      each.forEach(f -> out.add(f.result()));
      return chunk(items, from + CHUNK, ask, out);
    });
  }

  /**
   * Who was vaccinated, from the shot's ticket and its appointment, their sealed name and ID number opened
   * ({@code security/PersonalData}); {@link Shot.Person#UNKNOWN}'s empty strings for what is erased or was never kept.
   */
  public Future<Shot.Person> person(Shot shot) {
    Future<Response> ticket = store.send(Request.cmd(Command.HMGET)
        .arg(SiteKeys.Site.TICKET.of(shot.site(), shot.ticketDay(), shot.number()))
        .arg("name").arg("idNumber").arg("person"));
    Future<Response> appt = shot.appointment().isEmpty() ? Future.succeededFuture(null)
        : store.send(Request.cmd(Command.HMGET).arg(SiteKeys.Site.APPOINTMENT.of(shot.site(), shot.appointment()))
            .arg("name").arg("idType").arg("idNumber"));
    return Future.all(ticket, appt).map(v -> {
      String name = personal.open(first(ticket.result(), 0, appt.result(), 0));
      String number = personal.open(first(ticket.result(), 1, appt.result(), 2));
      String type = text(appt.result(), 1);
      return new Shot.Person(name, type.isEmpty() && !number.isEmpty() ? "resident" : type, number, text(ticket.result(), 2));
    });
  }

  /**
   * The registry answered 2xx for the shot: its record notes when and where (lua/shot_delivered.lua), which ends its
   * hold on what the delivery needed. True the first time, false for a redelivery.
   */
  public Future<Boolean> delivered(String site, String shotId, String registry) {
    Scripts.At at = Scripts.At.site(site, List.of(), clock.millis(), LocalDate.now(clock.withZone(zone)).toString(), "system");
    return store.run(Script.SHOT_DELIVERED, at, new ScriptArgs.ShotDelivered(shotId, registry))
        .map(r -> r.getBoolean("first", false));
  }

  private static String first(Response a, int i, Response b, int j) {
    String s = text(a, i);
    return s.isEmpty() ? text(b, j) : s;
  }

  private static String text(Response r, int i) {
    return r == null || r.size() <= i || r.get(i) == null ? "" : r.get(i).toString();
  }

  /** An HGETALL reply as a map. */
  static Map<String, String> map(Response r) {
    Map<String, String> out = new HashMap<>();
    if (r == null) return out;
    for (String k : r.getKeys()) out.put(k, r.get(k).toString());
    return out;
  }
}
