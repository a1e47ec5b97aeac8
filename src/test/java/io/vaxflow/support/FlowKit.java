package io.vaxflow.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Shared helpers of the flow tests: staff actions, the state invariants, the event log as records. */
public final class FlowKit {

  public static final String SITE = "pudong";
  public static final String API = "/api/v1/sites/" + SITE;

  private FlowKit() {}

  // ---- staff ----

  public static Reply next(TestCity city, String cookie, String station) {
    return city.post(API + "/stations/" + station + "/next", cookie, new JsonObject());
  }

  public static Reply act(TestCity city, String cookie, String station, String action) {
    return city.post(API + "/stations/" + station + "/" + action, cookie, new JsonObject());
  }

  public static Reply transfer(TestCity city, String cookie, String station, String to) {
    return city.post(API + "/stations/" + station + "/transfer", cookie, new JsonObject().put("to", to));
  }

  public static Reply scan(TestCity city, String cookie, String number) {
    return city.post(API + "/door/scan", cookie, new JsonObject().put("number", number));
  }

  public static Reply reinstate(TestCity city, String cookie, String number) {
    return city.post(API + "/tickets/" + number + "/reinstate", cookie, new JsonObject());
  }

  // ---- a person's own phone ----

  /** The track token of the ticket issued on {@code day} with this number (its trackUrl's k). */
  public static String trackKey(TestCity city, String number, String day) {
    return io.vaxflow.security.TrackToken.fromVoucherSecret(city.config.voucherSecret()).token(SITE, day, number);
  }

  /** The person of today's ticket goes to wait away from the hall (POST .../away?k=). */
  public static Reply away(TestCity city, String number) {
    return city.post(API + "/tickets/" + number + "/away?k=" + trackKey(city, number, TestCity.TODAY), null);
  }

  /** The person of today's ticket waiting away is back (POST .../back?k=). */
  public static Reply back(TestCity city, String number) {
    return city.post(API + "/tickets/" + number + "/back?k=" + trackKey(city, number, TestCity.TODAY), null);
  }

  /** The body of a 200, failing the test with the response otherwise. */
  public static JsonObject ok(Reply r, String what) {
    if (r.status() != 200) fail(what + ": expected 200, got " + r.status() + " " + r.body());
    return r.json();
  }

  public static void expectError(Reply r, int status, String code, String what) {
    assertEquals(status, r.status(), what + ": " + r.body());
    assertEquals(code, r.errorCode(), what + ": " + r.body());
  }

  /** The CSRF token a staff page echoes in X-CSRF-Token: the vf_csrf cookie of the login (if any). */
  public static String csrfToken(String cookie) {
    return io.vaxflow.support.StaffCookies.csrf(cookie).orElse("");
  }

  /** The site's hall and room capacities set by its manager (PUT /settings); null leaves one as it is. */
  public static void capacities(TestCity city, Integer hall, Integer room) {
    JsonObject body = new JsonObject();
    if (hall != null) body.put("hallCapacity", hall);
    if (room != null) body.put("roomCapacity", room);
    Reply r = city.send(io.vertx.core.http.HttpMethod.PUT, API + "/settings", city.login("manager", "2468"), Map.of(), body.toBuffer());
    ok(r, "capacities " + body.encode());
  }

  // ---- reads ----

  public static JsonObject state(TestCity city) {
    Reply r = city.get(API + "/state");
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  public static JsonObject ticket(TestCity city, String number) {
    Reply r = city.get(API + "/tickets/" + number);
    assertEquals(200, r.status(), "ticket " + number + ": " + r.body());
    return r.json();
  }

  public static JsonArray calls(TestCity city, String after) {
    Reply r = city.get(API + "/calls" + (after == null ? "" : "?after=" + after));
    assertEquals(200, r.status(), r.body());
    return r.array();
  }

  /** Calls of one ticket, oldest first, as "kind:id". */
  public static List<String> callsOf(TestCity city, String number) {
    List<String> out = new ArrayList<>();
    for (Object o : calls(city, null)) {
      JsonObject c = (JsonObject) o;
      if (number.equals(c.getString("number"))) {
        out.add(c.getJsonObject("to").getString("kind") + ":" + c.getJsonObject("to").getString("id"));
      }
    }
    return out;
  }

  public static JsonObject station(TestCity city, String cookie, String id) {
    Reply r = city.get(API + "/stations", cookie);
    assertEquals(200, r.status(), r.body());
    for (Object o : r.array()) {
      if (id.equals(((JsonObject) o).getString("id"))) return (JsonObject) o;
    }
    throw new AssertionError("no station " + id + " in " + r.body());
  }

  /**
   * The books of the snapshot are straight: every issued ticket is counted in exactly one stage
   * (those waiting away in {@code away}), the hall holds no more than its capacity, and the vaccine
   * room (seated plus called to it) no more than its own.
   */
  public static JsonObject assertStraight(JsonObject state, String when) {
    return assertStraight(state, when, 0);
  }

  /**
   * As {@link #assertStraight(JsonObject, String)}, the hall holding at most {@code calledBack} more
   * than its capacity: the people waiting away called back to it (or called to the room straight from
   * away) take their seat again whether or not one is free.
   */
  public static JsonObject assertStraight(JsonObject state, String when, int calledBack) {
    JsonObject c = state.getJsonObject("counts");
    int sum = 0;
    for (String k : List.of("outside", "away", "hall", "room", "desk", "vaccination", "booth", "observation", "released", "noShow")) {
      int v = c.getInteger(k);
      assertTrue(v >= 0, when + ": negative " + k + " in " + c);
      sum += v;
    }
    assertEquals(c.getInteger("issued").intValue(), sum, when + ": stages do not add up to issued: " + c);
    int hallCap = state.getJsonObject("capacities").getInteger("hall");
    int roomCap = state.getJsonObject("capacities").getInteger("room");
    assertTrue(c.getInteger("hall") <= hallCap + calledBack, when + ": hall over capacity " + hallCap + ": " + c);
    assertTrue(c.getInteger("calledToRoom") <= c.getInteger("hall"), when + ": calledToRoom not within hall: " + c);
    // a room seat is held from the call to the room until the desk is done with the patient
    assertTrue(c.getInteger("room") + c.getInteger("calledToRoom") + c.getInteger("desk") <= roomCap,
        when + ": room + calledToRoom + desk over capacity " + roomCap + ": " + c);
    return c;
  }

  public static void await(String what, long maxMs, BooleanSupplier condition) {
    long until = System.currentTimeMillis() + maxMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > until) fail("gave up waiting for " + what);
      sleep(20);
    }
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---- the event log ----

  /** One row of events.csv. */
  public record Event(String id, String at, String type, String number, String from, String to, String station,
               String by, Map<String, String> details) {
    public String detail(String k) {
      return details.getOrDefault(k, "");
    }

    /** "call:desk-2", "station_call@desk-2", "checkin". */
    public String brief() {
      if (type.equals("call")) return "call:" + detail("toId");
      return station.isEmpty() ? type : type + "@" + station;
    }
  }

  public static List<Event> events(TestCity city, String managerCookie) {
    Reply r = city.get(API + "/events.csv", managerCookie);
    assertEquals(200, r.status(), r.body());
    List<List<String>> rows = csv(r.body());
    assertEquals(List.of("eventId", "at", "type", "number", "from", "to", "station", "by", "details"), rows.get(0));
    List<Event> out = new ArrayList<>();
    for (List<String> row : rows.subList(1, rows.size())) {
      assertEquals(9, row.size(), "csv row " + row);
      // a later saying of a call (announcer repeats) is not a transition of the ticket
      if (row.get(2).equals("say")) continue;
      Map<String, String> details = new LinkedHashMap<>();
      if (!row.get(8).isEmpty()) {
        for (String kv : row.get(8).split(";")) {
          int eq = kv.indexOf('=');
          details.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      out.add(new Event(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5), row.get(6), row.get(7), details));
    }
    return out;
  }

  /** Stream ids compare as (milliseconds, sequence). */
  public static int compareIds(String a, String b) {
    String[] x = a.split("-"), y = b.split("-");
    int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }

  public static List<List<String>> csv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (ch == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else if (ch != '\r') {
        cell.append(ch);
      }
    }
    if (cell.length() > 0 || !row.isEmpty()) {
      row.add(cell.toString());
      rows.add(row);
    }
    return rows;
  }

  /** A name the API accepts (letters only) that is unique for i. */
  public static String name(String prefix, int i) {
    StringBuilder b = new StringBuilder(prefix).append(' ');
    String s = Integer.toString(i, 26);
    for (char ch : s.toCharArray()) b.append((char) ('a' + Character.digit(ch, 26)));
    return b.toString();
  }

  /** A resident ID number the checks accept, unique for (series, i) ({@link Ids#resident}). */
  public static String idNumber(int series, int i) {
    return Ids.resident(series, 14_600 + i); // born from 1990 on
  }

  /** The numbers acknowledged more than once (to two people), in the order the second came. */
  public static List<String> issuedTwice(List<String> acknowledged) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<String> twice = new ArrayList<>();
    for (String n : acknowledged) if (!seen.add(n)) twice.add(n);
    return twice;
  }
}
