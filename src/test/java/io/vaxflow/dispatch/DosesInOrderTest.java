package io.vaxflow.dispatch;

import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, doses in order: a person books dose 1 at pudong (the day's doses booked: 1), checks in and is given it
 * from the mRNA vaccine's vial (the dose booked let go at the shot: 0). Their look-up now offers dose 2 from 21 days
 * later; dose 2 booked before that is {@code 409 TOO_SOON} with the earliest day, booked on it (ten days on, within
 * the 14 days that may be booked) it is taken, and a second booking of dose 2 is {@code ALREADY_BOOKED}.
 */
class DosesInOrderTest {

  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of()));

  private static final String ID = FlowKit.idNumber(61, 1);
  private static final String PHONE = "13900006161";

  private static JsonObject person(int dose, String day) {
    return new JsonObject().put("name", "Dose Order").put("idNumber", ID).put("phone", PHONE).put("dose", dose)
        .put("day", day).put("siteId", "pudong");
  }

  private static JsonObject created(Reply r, String what) {
    assertEquals(201, r.status(), what + ": " + r.body());
    return r.json();
  }

  private static String booked(String day) {
    var r = city.redis(Command.HGET, "vf:{pudong}:doses:booked", day);
    return r == null ? null : r.toString();
  }

  @Test
  void doseOneGivenOffersDoseTwoFromItsIntervalAndNotBefore() {
    JsonObject one = created(city.booking(person(1, TestCity.TODAY)), "dose 1 booked");
    assertEquals("1", booked(TestCity.TODAY), "the booking holds a dose of the day");

    String door = city.login("door", "1357"), desk = city.login("desk", "1234"), booth = city.login("booth", "4321");
    Reply in = city.post("/api/v1/sites/pudong/checkins", new JsonObject().put("voucher", one.getString("voucher")));
    assertEquals(201, in.status(), in.body());
    String number = in.json().getJsonObject("ticket").getString("number");
    ok(FlowKit.scan(city, door, number), "scan");
    ok(FlowKit.next(city, desk, "desk-1"), "desk next");
    ok(FlowKit.act(city, desk, "desk-1", "start"), "desk start");
    ok(FlowKit.act(city, desk, "desk-1", "done"), "desk done");
    city.openVial("pudong", booth, "booth-1"); // the mRNA vaccine: dose 2 at least 21 days after dose 1
    ok(FlowKit.next(city, booth, "booth-1"), "booth next");
    ok(FlowKit.act(city, booth, "booth-1", "start"), "booth start");
    JsonObject done = ok(FlowKit.act(city, booth, "booth-1", "done"), "the shot");
    assertEquals("mrna-omicron", done.getJsonObject("shot").getString("product"));
    assertEquals("0", booked(TestCity.TODAY), "the shot let go of the dose its booking held");

    JsonObject found = ok(city.withCode("/api/v1/bookings/lookup", new JsonObject().put("idNumber", ID).put("phone", PHONE)),
        "look-up");
    assertEquals(new JsonObject().put("dose", 2).put("earliestDay", "2026-12-15").put("product", "mrna-omicron"),
        found.getJsonObject("nextDose"), "dose 1 given offers dose 2");

    Reply soon = city.booking(person(2, "2026-12-08"));
    FlowKit.expectError(soon, 409, "TOO_SOON", "dose 2 a week early");
    assertEquals("2026-12-15", soon.json().getJsonObject("error").getString("earliestDay"));
    assertNull(city.redis(Command.HGET, "vf:{pudong}:doses:booked", "2026-12-08"), "nothing booked");

    CLOCK.set("2026-12-04T02:00:00Z"); // ten days on: the 15th may be booked now
    JsonObject two = created(city.booking(person(2, "2026-12-15")), "dose 2 on its earliest day");
    assertEquals("2026-12-15", two.getString("day"));
    assertEquals("1", booked("2026-12-15"));
    FlowKit.expectError(city.booking(person(2, "2026-12-16")), 409, "ALREADY_BOOKED", "one booking of dose 2");
  }
}
