package io.vaxflow.notify;

import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.config.VaxflowConfig.Webhook.Event;
import io.vaxflow.security.OneTimeCode;
import io.vaxflow.security.PersonalData;
import io.vaxflow.store.EventStream.Entry;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.view.Call;
import io.vaxflow.view.CallText;
import io.vaxflow.view.Views;
import io.vaxflow.view.Words;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a webhook receives for an entry of a site's stream (README "Webhooks", the OpenAPI document's
 * {@code WebhookEvent}): which kind of event it is, and its JSON. Every payload has {@code type}, {@code eventId}
 * (the stream entry's id), {@code site} and {@code at}; then
 * <ul>
 *   <li>{@code call}: every call (not its repeat sayings): number, to, text and speech, as the hall says it
 *       ({@link CallText}); {@code back: true} for a come-back call;
 *   <li>{@code ticket}: a check-in and every move of a ticket: number, kind (the transition), from, to;
 *   <li>{@code alert}: raised or cleared, its code, subject, severity, value, limit and message in zh and en;
 *   <li>{@code reminder}: a booking's reminder: appointment, day, slot;
 *   <li>{@code standby}: an invitation to a dose left over, for a person on a site's standby list: appointment (its
 *       code), voucher (signed, category S: it checks in even after the site's hours while the invitation holds), dose,
 *       expiresAt; with the phone;
 *   <li>{@code otp}: a one-time code for a phone, from the city's stream ({@code site} is {@code city}): phone, code,
 *       purpose, expiresAt. The stream holds only a reference: the phone and code are read, sealed, from a key that
 *       expires with the code ({@link OneTimeCode}), and opened here for a receiver of otp alone.
 * </ul>
 * No name or ID number ever. The phone number is not in the stream: it is read (sealed, {@link PersonalData}) from
 * the appointment as the event is delivered (none once erased, privacy.retainHours after the booking's day), and
 * only to a receiver subscribed to a personal kind ({@link Event#personal}): in a reminder, and
 * in the come-back call of a ticket that came from a booking with a phone.
 */
final class EventPayloads {

  /** Stream fields that say where an entry comes from, not what it says: left out of a payload built from fields. */
  private static final Set<String> ENVELOPE = Set.of("type", "day", "at", "by");

  private final Scripts store;
  private final Views views;
  private final int repeats;
  private final OneTimeCode codes;
  private final PersonalData personal;

  EventPayloads(VaxflowConfig config, Scripts store) {
    this.store = store;
    this.views = new Views(config.timeZone());
    this.repeats = config.announce().repeats();
    this.codes = OneTimeCode.fromVoucherSecret(config.voucherSecret());
    this.personal = PersonalData.fromVoucherSecret(config.voucherSecret());
  }

  /**
   * The kind of event an entry is for webhooks: a call; a ticket's transition (it has a number, from and to); an
   * entry whose type is a kind's name (alert, reminder); else none (a saying's repeat, a station paused, settings).
   */
  static Optional<Event> kind(Entry e) {
    String type = e.get("type");
    if (type.equals("call")) return Optional.of(Event.CALL);
    if (!e.get("number").isEmpty() && !e.get("from").isEmpty() && !e.get("to").isEmpty()) return Optional.of(Event.TICKET);
    for (Event k : Event.values()) {
      if (k != Event.CALL && k != Event.TICKET && k.wire().equals(type)) return Optional.of(k);
    }
    return Optional.empty();
  }

  /**
   * The JSON of {@code e}, a {@code kind} event of {@code site}, for a receiver that may ({@code personal}) or may
   * not get phone numbers; empty when there is nothing left to send (a reminder whose booking is gone).
   */
  Future<Optional<JsonObject>> payload(String site, Entry e, Event kind, boolean personal) {
    JsonObject out = new JsonObject().put("type", kind.wire()).put("eventId", e.id()).put("site", site)
        .put("at", views.time(at(e)));
    return switch (kind) {
      case CALL -> call(site, e, out, personal);
      case TICKET -> Future.succeededFuture(Optional.of(out.put("number", e.get("number")).put("kind", e.get("type"))
          .put("from", stage(e.get("from"))).put("to", stage(e.get("to")))));
      case ALERT -> Future.succeededFuture(Optional.of(alert(e, out)));
      case REMINDER -> booked(site, e.get("appointment"), out.put("appointment", e.get("appointment"))
          .put("day", e.get("bookedDay")).put("slot", e.get("slot")), personal);
      case OTP -> code(e, out, personal);
      case STANDBY -> invitation(site, e.get("appointment"), out.put("appointment", e.get("appointment"))
          .put("dose", (int) number(e.get("dose"))).put("expiresAt", views.time(Instant.ofEpochMilli(number(e.get("expiresAt"))))),
          personal);
      default -> booked(site, e.get("appointment"), fields(e, out), kind.personal() && personal);
    };
  }

  private Future<Optional<JsonObject>> call(String site, Entry e, JsonObject out, boolean personal) {
    Call call = CallText.call(e.id(), site, e.get("number"), e.get("toKind"), e.get("toId"), at(e), e.get("batch"), repeats,
        "1".equals(e.get("back")));
    JsonObject said = views.call(call);
    out.put("number", call.number()).put("to", said.getValue("to")).put("text", said.getValue("text"))
        .put("speech", said.getValue("speech"));
    if (!"1".equals(e.get("back"))) return Future.succeededFuture(Optional.of(out));
    out.put("back", true);
    if (!personal) return Future.succeededFuture(Optional.of(out));
    // the come-back call of a ticket from a booking: its phone, read now from the booking
    return store.send(Request.cmd(Command.HGET).arg(SiteKeys.Site.TICKET.of(site, e.get("day"), call.number())).arg("appointment"))
        .compose(code -> phone(site, code == null ? "" : code.toString()))
        .map(phone -> {
          phone.ifPresent(p -> out.put("phone", p));
          return Optional.of(out);
        });
  }

  /** A one-time code: phone and code opened from its sealed delivery key; empty once that expired (the code with it). */
  private Future<Optional<JsonObject>> code(Entry e, JsonObject out, boolean personal) {
    if (!personal) return Future.succeededFuture(Optional.empty());
    return store.send(Request.cmd(Command.GET).arg(SiteKeys.City.CODE_OUT.of(e.get("ref")))).map(r -> {
      Optional<OneTimeCode.Message> m = r == null ? Optional.empty() : codes.open(r.toString());
      return m.map(msg -> out.put("phone", msg.phone()).put("code", msg.code()).put("purpose", e.get("purpose"))
          .put("expiresAt", views.time(Instant.ofEpochMilli(number(e.get("expiresAt"))))));
    });
  }

  /** An event about a booking: with its phone for a personal receiver; empty when the booking is gone. */
  private Future<Optional<JsonObject>> booked(String site, String code, JsonObject out, boolean withPhone) {
    if (code.isEmpty()) return Future.succeededFuture(Optional.of(out));
    return store.send(Request.cmd(Command.HMGET).arg(SiteKeys.Site.APPOINTMENT.of(site, code)).arg("code").arg("phone")).map(r -> {
      if (r == null || r.get(0) == null) return Optional.empty();
      String phone = r.get(1) == null ? "" : personal.open(r.get(1).toString());
      if (withPhone && !phone.isBlank()) out.put("phone", phone);
      return Optional.of(out);
    });
  }

  /** A standby invitation: its signed voucher (and for a personal receiver its phone), read from it; empty when it is gone. */
  private Future<Optional<JsonObject>> invitation(String site, String code, JsonObject out, boolean withPhone) {
    return store.send(Request.cmd(Command.HMGET).arg(SiteKeys.Site.APPOINTMENT.of(site, code)).arg("voucher").arg("phone")).map(r -> {
      if (r == null || r.get(0) == null) return Optional.empty();
      out.put("voucher", r.get(0).toString());
      String phone = r.get(1) == null ? "" : personal.open(r.get(1).toString());
      if (withPhone && !phone.isBlank()) out.put("phone", phone);
      return Optional.of(out);
    });
  }

  private Future<Optional<String>> phone(String site, String code) {
    if (code.isEmpty()) return Future.succeededFuture(Optional.empty());
    return store.send(Request.cmd(Command.HGET).arg(SiteKeys.Site.APPOINTMENT.of(site, code)).arg("phone"))
        .map(r -> Optional.ofNullable(r).map(Response::toString).map(personal::open).filter(p -> !p.isBlank()));
  }

  private static JsonObject alert(Entry e, JsonObject out) {
    String code = e.get("code");
    out.put("state", e.get("state")).put("code", code);
    if (!e.get("subject").isEmpty()) out.put("subject", e.get("subject"));
    long value = number(e.get("value"));
    long limit = number(e.get("limit"));
    out.put("severity", e.get("severity")).put("value", value).put("limit", limit);
    Map<String, String> message;
    try {
      message = Words.both("dashboard.alerts." + code, Map.of("value", value, "limit", limit, "subject", e.get("subject")));
    } catch (IllegalArgumentException unknown) { // an alert of a newer server, read by an older one
      message = Map.of("zh", code, "en", code);
    }
    return out.put("message", Views.i18n(message));
  }

  /** An entry's own fields (an event kind without a payload of its own: the stream's fields as they are). */
  private static JsonObject fields(Entry e, JsonObject out) {
    e.fields().forEach((k, v) -> {
      if (!ENVELOPE.contains(k)) out.put(k, v);
    });
    return out;
  }

  /** "hall/waiting" as {stage, state}. */
  private static JsonObject stage(String stageAndState) {
    int slash = stageAndState.indexOf('/');
    return new JsonObject().put("stage", slash < 0 ? stageAndState : stageAndState.substring(0, slash))
        .put("state", slash < 0 ? "" : stageAndState.substring(slash + 1));
  }

  private static Instant at(Entry e) {
    return Instant.ofEpochMilli(number(e.get("at")));
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
