package io.vaxflow.view;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.flow.SiteSnapshot;
import io.vaxflow.flow.StageCounts;
import io.vaxflow.flow.Station;
import io.vaxflow.flow.StationId;
import io.vaxflow.flow.Ticket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;

/** JSON of the domain's records, as the API contract spells it. Times are ISO-8601 with offset. */
public final class Views {

  private final ZoneId zone;

  public Views(ZoneId zone) {
    this.zone = zone;
  }

  public String time(Instant t) {
    return OffsetDateTime.ofInstant(t, zone).toString();
  }

  /** A station's name in both languages: "Desk 2" / "登记台 2" (common.station). */
  public static Map<String, String> label(StationId id) {
    return Words.both("common.station." + id.kind().wire(), Map.of("n", id.number()));
  }

  public static JsonObject i18n(Map<String, String> m) {
    return new JsonObject().put("zh", m.get("zh")).put("en", m.get("en"));
  }

  public JsonObject ticket(Ticket t) {
    JsonObject j = new JsonObject()
        .put("number", t.number()).put("siteId", t.siteId())
        .put("stage", t.stage().wire()).put("state", t.state().wire()).put("category", t.category())
        .put("peopleAhead", t.peopleAhead()).put("predictedWaitMin", t.predictedWaitMin())
        .put("predictedWaitLowMin", t.predictedWaitLowMin()).put("predictedWaitHighMin", t.predictedWaitHighMin())
        .put("createdAt", time(t.createdAt()))
        .put("station", t.station().orElse(null))
        .put("verified", t.verified().orElse(null))
        .put("away", t.away()).put("awayAllowed", t.awayAllowed());
    if (!t.where().isEmpty()) j.put("where", t.where());
    t.lastCall().ifPresentOrElse(c -> {
      Call.Destination to = CallText.destination(c.toKind(), c.toId());
      String says = CallText.says(to, c.back());
      j.put("lastCall", new JsonObject()
          .put("callId", c.eventId()).put("eventId", c.eventId())
          .put("to", new JsonObject().put("kind", c.toKind()).put("id", c.toId()))
          .put("at", time(c.at())).put("back", c.back())
          .put("text", i18n(CallText.text(t.number(), to, says))).put("speech", i18n(CallText.speech(t.number(), to, says))));
    }, () -> j.putNull("lastCall"));
    return j;
  }

  /**
   * A ticket as its phone sees it (the track API, the per-ticket live push): the public view of
   * lib/waits.lua and nothing else, no name, ID number or phone; {@code lastCall} (the call, as the
   * hall says it) while the ticket answers it (lib/waits.lua decides). {@code repeats}: how often a call is said.
   */
  public JsonObject track(Ticket t, int repeats) {
    JsonObject j = new JsonObject()
        .put("number", t.number()).put("siteId", t.siteId()).put("category", t.category())
        .put("stage", t.stage().wire()).put("state", t.state().wire()).put("peopleAhead", t.peopleAhead())
        .put("wait", new JsonObject().put("min", t.predictedWaitMin()).put("lo", t.predictedWaitLowMin())
            .put("hi", t.predictedWaitHighMin()))
        .put("where", t.where()).put("away", t.away()).put("awayAllowed", t.awayAllowed());
    t.station().ifPresent(s -> j.put("station", new JsonObject().put("id", s)
        .put("label", i18n(CallText.destination(s.substring(0, s.indexOf('-')), s).label()))));
    t.lastCall().ifPresent(c -> j.put("lastCall", call(CallText.call(c.eventId(), t.siteId(), t.number(), c.toKind(),
        c.toId(), c.at(), "", repeats, c.back()))));
    return j;
  }

  public JsonObject station(Station s) {
    return new JsonObject()
        .put("id", s.id().id()).put("kind", s.id().kind().wire()).put("label", i18n(label(s.id())))
        .put("state", s.state().wire()).put("staffId", s.staffId().orElse(null))
        .put("ticket", s.ticket().orElse(null)).put("since", time(s.since()));
  }

  public JsonObject counts(StageCounts c) {
    return new JsonObject()
        .put("outside", c.outside()).put("away", c.away()).put("hall", c.hall()).put("calledToRoom", c.toRoom()).put("room", c.room())
        .put("desk", c.desk()).put("vaccination", c.vaccination()).put("booth", c.booth())
        .put("observation", c.observation()).put("released", c.released()).put("noShow", c.noShow())
        .put("issued", c.issued());
  }

  /**
   * Each person is counted at one stage: a ticket called to the room is in the hall until the door
   * scans it (it holds a room seat meanwhile: the room's {@code calledIn}); someone waiting away is
   * in {@code away}, not outside or in the hall (they hold no hall seat). {@code waiting} is
   * everyone still waiting for their shot; {@code open}, {@code opensAt} and {@code hours} are the
   * site's opening hours at that moment.
   */
  public JsonObject snapshot(SiteSnapshot s, SiteConfig site) {
    StageCounts c = s.counts();
    boolean open = s.open(site.hours());
    JsonArray stages = new JsonArray()
        .add(stage("outside", c.outside(), null))
        .add(stage("away", c.away(), null))
        .add(stage("hall", c.hall(), c.hallCapacity()))
        .add(stage("room", c.room(), c.roomCapacity()).put("calledIn", c.toRoom()))
        .add(stage("desk", c.desk(), site.desks()))
        .add(stage("vaccination", c.vaccination(), null))
        .add(stage("booth", c.booth(), site.booths()))
        .add(stage("observation", c.observation(), null))
        .add(stage("released", c.released(), null))
        .add(stage("noShow", c.noShow(), null));
    JsonArray queues = new JsonArray();
    s.queues().forEach(q -> queues.add(new JsonObject().put("name", q.name()).put("priority", q.priority()).put("regular", q.regular())));
    JsonArray stations = new JsonArray();
    s.stations().forEach(st -> stations.add(new JsonObject()
        .put("id", st.id().id()).put("kind", st.id().kind().wire()).put("label", i18n(label(st.id())))
        .put("state", st.state().wire()).put("ticket", st.ticket().orElse(null))));
    JsonArray calls = new JsonArray();
    s.recentCalls().forEach(rc -> calls.add(call(CallText.call(
        rc.eventId(), s.siteId(), rc.number(), rc.toKind(), rc.toId(), rc.at(), rc.batch(), 1, rc.back()))));
    return new JsonObject()
        .put("siteId", s.siteId()).put("at", time(s.at()))
        .put("open", open).put("closedEarly", s.closedToday())
        .put("opensAt", open ? null : time(s.opensAt(site.hours())))
        .put("hours", new JsonObject().put("open", site.hours().openText()).put("close", site.hours().closeText()))
        .put("waiting", c.waiting())
        .put("stages", stages).put("counts", counts(c))
        .put("capacities", new JsonObject().put("hall", c.hallCapacity()).put("room", c.roomCapacity()))
        .put("predictedWaitMin", s.predictedWaitMin())
        .put("predictedWaitLowMin", s.predictedWaitLowMin()).put("predictedWaitHighMin", s.predictedWaitHighMin())
        .put("queues", queues).put("stations", stations).put("currentCalls", calls);
  }

  private static JsonObject stage(String name, int count, Integer capacity) {
    JsonObject j = new JsonObject().put("stage", name).put("count", count);
    if (capacity != null) j.put("capacity", capacity);
    return j;
  }

  public JsonObject call(Call c) {
    return new JsonObject()
        .put("callId", c.callId()).put("number", c.number())
        .put("to", new JsonObject().put("kind", c.to().kind()).put("id", c.to().id()).put("label", i18n(c.to().label())))
        .put("text", i18n(c.text())).put("speech", i18n(c.speech())).put("repeat", c.repeat()).put("of", c.of())
        .put("at", time(c.at())).put("eventId", c.eventId()).put("batch", c.batch().isEmpty() ? null : c.batch())
        .put("back", c.back());
  }

  public JsonObject staff(StaffAccount s) {
    JsonArray roles = new JsonArray();
    s.roles().forEach(r -> roles.add(r.name().toLowerCase()));
    return new JsonObject().put("id", s.id()).put("name", s.name()).put("roles", roles)
        .put("sites", new JsonArray(s.sites().stream().sorted().toList()));
  }
}
