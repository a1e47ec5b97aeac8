package io.vaxflow.flow;

import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The observation area of a site as a station: who is in it and until when, and what its staff do
 * there: extend a person to the high-risk length, record a reaction (a severe one holds the person's
 * release until cleared), clear it, release early. Each action is one script ({@code lua/observe_*.lua},
 * its arguments one JSON value) run through {@link SiteFlow#run}.
 */
public final class Observation {

  /** At most this many people listed (a site's observation area holds a few hundred at the most). */
  static final int MAX_LISTED = 500;

  /** How bad a reaction is; a severe one holds the person until staff clear it. */
  public enum Severity {
    MILD, MODERATE, SEVERE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> of(String wire) {
      for (Severity s : values()) if (s.wire().equals(wire)) return Optional.of(s);
      return Optional.empty();
    }
  }

  /** A reaction as staff recorded it: what, how bad, when it began, who recorded it and when. */
  public record Reaction(String symptoms, Severity severity, Instant at, String by, Instant recordedAt) {}

  /**
   * One person in observation: released at {@code until} unless a severe reaction holds them
   * ({@code heldSince}); {@code highRisk}: booked with an anaphylaxis history.
   */
  public record Person(String number, String day, String category, boolean highRisk, Instant from, Instant until,
                       long secondsLeft, boolean extended, Optional<Instant> heldSince, List<Reaction> reactions) {

    static Person from(JsonObject v) {
      List<Reaction> reactions = new ArrayList<>();
      if (v.getValue("reactions") instanceof JsonArray a) { // cjson encodes an empty list as {}
        for (int i = 0; i < a.size(); i++) {
          JsonObject r = a.getJsonObject(i);
          reactions.add(new Reaction(r.getString("symptoms", ""), Severity.of(r.getString("severity", "")).orElse(Severity.MILD),
              Instant.ofEpochMilli(r.getLong("at", 0L)), r.getString("by", ""), Instant.ofEpochMilli(r.getLong("recordedAt", 0L))));
        }
      }
      long held = v.getLong("heldSince", 0L);
      return new Person(v.getString("number"), v.getString("day", ""), v.getString("category", ""),
          "high".equals(v.getString("risk")), Instant.ofEpochMilli(v.getLong("from", 0L)),
          Instant.ofEpochMilli(v.getLong("until", 0L)), v.getLong("secondsLeft", 0L), v.getBoolean("extended", false),
          held > 0 ? Optional.of(Instant.ofEpochMilli(held)) : Optional.empty(), List.copyOf(reactions));
    }
  }

  private final SiteFlow flow;

  public Observation(SiteFlow flow) {
    this.flow = flow;
  }

  /** The people in observation: those held by a severe reaction first, then by their release time. */
  public Future<List<Person>> people() {
    return flow.run("system", at -> flow.scripts().run(Script.OBSERVATION, at, new ScriptArgs.Observation(MAX_LISTED))).map(r -> {
      List<Person> out = new ArrayList<>();
      if (r.getValue("people") instanceof JsonArray a) for (int i = 0; i < a.size(); i++) out.add(Person.from(a.getJsonObject(i)));
      return out;
    });
  }

  /** To the high-risk length from the start of the observation (never shorter than it was). */
  public Future<Person> extend(String number, Actor by) {
    return person(by, at -> flow.scripts().run(Script.OBSERVE_EXTEND, at, new ScriptArgs.OfNumber(number)));
  }

  public Future<Person> react(String number, String symptoms, Severity severity, Instant at, Actor by) {
    ScriptArgs.Reaction reaction = new ScriptArgs.Reaction(number, symptoms, severity.wire(), at.toEpochMilli());
    return person(by, a -> flow.scripts().run(Script.OBSERVE_REACTION, a, reaction));
  }

  /** A severe reaction cleared: the person's observation timer runs again (at once when their time is over). */
  public Future<Person> clear(String number, Actor by) {
    return person(by, at -> flow.scripts().run(Script.OBSERVE_CLEAR, at, new ScriptArgs.OfNumber(number)));
  }

  /** Released now and called to the exit; refused (REACTION_HELD) while a severe reaction holds them. */
  public Future<Ticket> release(String number, Actor by) {
    return flow.run(by, at -> flow.scripts().run(Script.OBSERVE_RELEASE, at, new ScriptArgs.OfNumber(number))).map(flow::ticketOf);
  }

  private Future<Person> person(Actor by, java.util.function.Function<Scripts.At, Future<JsonObject>> script) {
    return flow.run(by, script).map(r -> Person.from(r.getJsonObject("person")));
  }
}
