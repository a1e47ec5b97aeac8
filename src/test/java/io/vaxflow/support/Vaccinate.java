package io.vaxflow.support;

import static io.vaxflow.support.FlowKit.ok;

import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;

/**
 * A person given a shot at pudong as a site does it, for the tests of the immunization record: a walk-in through the
 * door, desk-1 and booth-1, a vial of {@code lot} opened at the booth when it has none left ({@code NO_OPEN_VIAL}), and
 * released from observation on request.
 */
public final class Vaccinate {

  private Vaccinate() {}

  /** A walk-in of that name and ID number given dose 1 of {@code lot} at booth-1: their ticket's number, and the booth's reply's shot. */
  public static JsonObject walkIn(TestCity city, SiteStaff staff, String name, String idNumber, String lot) {
    String number = city.walkIn(FlowKit.SITE, name, idNumber).getString("number");
    ok(FlowKit.scan(city, staff.door(), number), "scan " + number);
    ok(FlowKit.next(city, staff.desk(), "desk-1"), "desk next");
    ok(FlowKit.act(city, staff.desk(), "desk-1", "start"), "desk start");
    ok(FlowKit.act(city, staff.desk(), "desk-1", "done"), "desk done");
    ok(FlowKit.next(city, staff.booth(), "booth-1"), "booth next");
    ok(FlowKit.act(city, staff.booth(), "booth-1", "start"), "booth start");
    Reply done = FlowKit.act(city, staff.booth(), "booth-1", "done");
    if (done.status() == 409 && "NO_OPEN_VIAL".equals(done.errorCode())) {
      ok(city.post(FlowKit.API + "/stations/booth-1/vial", staff.booth(), new JsonObject().put("lot", lot)), "open a vial of " + lot);
      done = FlowKit.act(city, staff.booth(), "booth-1", "done");
    }
    JsonObject shot = ok(done, "booth done").getJsonObject("shot");
    if (!lot.equals(shot.getString("lot"))) throw new AssertionError("a shot of " + shot.getString("lot") + ", not " + lot);
    return new JsonObject().put("number", number).put("shot", shot);
  }

  /** The person of ticket {@code number} leaves observation (the observer releases them). */
  public static void release(TestCity city, SiteStaff staff, String number) {
    ok(city.post(FlowKit.API + "/observation/" + number + "/release", staff.observer(), new JsonObject()), "release " + number);
  }
}
