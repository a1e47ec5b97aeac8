package io.vaxflow.dispatch;

import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.notify.Receiver;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vaxflow.web.ApiContract;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.Validator;
import io.vertx.redis.client.Command;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, the standby list: three people join at 16:30 (each with the code of their phone), all on pudong's list,
 * the nearest community first. A walk-in is given a dose from a 2-dose vial: its last dose is now more than the
 * people still expected (none), so the sweep invites 1.5 x 1 = 2 people, the two nearest, through the webhook
 * ({@code standby}, with their phones, as the contract's WebhookEvent says). The first to check in gets a standby
 * ticket (S001) and the dose, after the site's closing time while the invitation holds; the second is told
 * {@code STANDBY_GONE}; the third was not invited. The day's figures
 * count 2 invited, 1 accepted, 1 gone, and no dose wasted.
 */
class StandbyTest {

  private static final String SECRET = "standby-receiver-secret-0123456789";
  private static final SimClock CLOCK = SimClock.at("2026-11-24T08:30:00Z"); // 16:30 in Shanghai
  private static Receiver sms;
  private static TestCity city;

  @BeforeAll
  static void start() {
    sms = Receiver.start(SECRET);
    city = TestCity.startOn(CLOCK, sms.webhook(0, "sms", "/sms", "standby"));
  }

  @AfterAll
  static void stop() {
    if (city != null) city.close();
    if (sms != null) sms.close();
  }

  private static JsonObject join(String phone, String community) {
    Reply r = city.withCode("/api/v1/standby", new JsonObject().put("name", "Standby " + community).put("phone", phone)
        .put("community", community).put("dose", 1));
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  @Test
  void theLeftoverDoseGoesToTheFirstStandbyPersonToComeTheNextIsToldItIsGone() {
    join("13900000003", "Zhangjiang"); // 4.9 km from pudong, first to join
    join("13900000002", "Lujiazui"); // 4.6 km
    JsonObject nearest = join("13900000001", "Century Park"); // 0.7 km, last to join
    assertEquals("pudong", nearest.getString("siteId"));
    assertEquals(1, nearest.getInteger("position"), "the nearest community first: " + nearest);
    assertEquals(3, nearest.getInteger("waiting"));

    String door = city.login("door", "1357"), desk = city.login("desk", "1234"), booth = city.login("booth", "4321");
    String walkIn = city.walkIn("pudong", "Walk In", FlowKit.idNumber(62, 1)).getString("number");
    ok(FlowKit.scan(city, door, walkIn), "scan");
    ok(FlowKit.next(city, desk, "desk-1"), "desk next");
    ok(FlowKit.act(city, desk, "desk-1", "start"), "desk start");
    ok(FlowKit.act(city, desk, "desk-1", "done"), "desk done");
    ok(city.post("/api/v1/sites/pudong/stations/booth-1/vial", booth, new JsonObject().put("lot", "PD-CV2611A")), "a 2-dose vial");
    ok(FlowKit.next(city, booth, "booth-1"), "booth next");
    ok(FlowKit.act(city, booth, "booth-1", "start"), "booth start");
    ok(FlowKit.act(city, booth, "booth-1", "done"), "the walk-in's shot: one dose left in the vial, nobody expected");

    FlowKit.await("two invitations", 10_000, () -> invitations().size() == 2);
    List<JsonObject> invited = invitations();
    assertEquals(List.of("13900000001", "13900000002"), invited.stream().map(j -> j.getString("phone")).sorted().toList(),
        "the two nearest are invited");
    Validator contract = ApiContract.load(city.vertx).await().contract().getSchemaRepository().validator(JsonSchema.of(
        ApiContract.load(city.vertx).await().contract().getRawContract().getJsonObject("components").getJsonObject("schemas")
            .getJsonObject("WebhookEvent")));
    for (Receiver.Got g : sms.delivered()) assertTrue(contract.validate(Json.decodeValue(g.body())).getValid(), g.body());

    // 17:05: pudong has closed, but the invitations hold until 17:15; the signed voucher (category S) checks in
    CLOCK.set("2026-11-24T09:05:00Z");
    Reply first = city.post("/api/v1/sites/pudong/checkins", new JsonObject().put("voucher", invited.get(0).getString("voucher")));
    assertEquals(201, first.status(), first.body());
    String s001 = first.json().getJsonObject("ticket").getString("number");
    assertEquals("S", first.json().getJsonObject("ticket").getString("category"));
    Reply second = city.post("/api/v1/sites/pudong/checkins", new JsonObject().put("voucher", invited.get(1).getString("voucher")));
    FlowKit.expectError(second, 409, "STANDBY_GONE", "the second invited comes when the dose is taken");

    ok(FlowKit.scan(city, door, s001), "scan " + s001);
    ok(FlowKit.next(city, desk, "desk-1"), "desk next");
    ok(FlowKit.act(city, desk, "desk-1", "start"), "desk start");
    ok(FlowKit.act(city, desk, "desk-1", "done"), "desk done");
    ok(FlowKit.next(city, booth, "booth-1"), "booth next");
    ok(FlowKit.act(city, booth, "booth-1", "start"), "booth start");
    ok(FlowKit.act(city, booth, "booth-1", "done"), "the standby person's shot: the vial's last dose");

    Map<String, String> day = hash("vf:{pudong}:stock:" + TestCity.TODAY);
    assertEquals("2", day.get("standbyInvited"), day.toString());
    assertEquals("1", day.get("standbyAccepted"));
    assertEquals("1", day.get("standbyGone"));
    assertEquals("2", day.get("given"));
    assertEquals(null, day.get("wasted"), "nothing wasted: " + day);
    assertEquals(1L, city.redis(Command.ZCARD, "vf:{pudong}:standby").toLong(), "Zhangjiang's still on the list");
  }

  private static List<JsonObject> invitations() {
    return sms.delivered().stream().filter(g -> "standby".equals(g.event())).map(Receiver.Got::json).toList();
  }

  private static Map<String, String> hash(String key) {
    var r = city.redis(Command.HGETALL, key);
    Map<String, String> out = new java.util.TreeMap<>();
    for (String k : r.getKeys()) out.put(k, r.get(k).toString());
    return out;
  }
}
