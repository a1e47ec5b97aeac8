package io.vaxflow.flow;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.security.PersonalData;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.Ids;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Personal data minimised (issue 17), against a real server and its real redis-server on a simulated clock: a day at
 * pudong (bookings, check-ins with vouchers, walk-ins, a desk's no-show, shots, observation, release, a booking never
 * used, a person erasing their booking after check-in). At every step every key and every value in Redis (strings,
 * hashes, lists, sets, zsets, streams) is read: no ID number or phone in any key name, and no name, ID number or phone
 * in plain text anywhere (they are sealed). Then the clock moves past the booked day plus {@code privacy.retainHours},
 * the sweep runs, and nothing sealed with the personal key is left either (but a ticket held for the immunization record,
 * until its hold is cleared); Redis's append-only file, rewritten then
 * (plain commands, no RDB preamble), holds none of them and no sealed personal value.
 */
class PrivacyTest {

  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  private static final int RETAIN_HOURS = 24;
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of("VAXFLOW_FLOW_OBSERVATIONSEC", "60",
      "VAXFLOW_FLOW_TICKMS", "50", "VAXFLOW_PRIVACY_RETAINHOURS", String.valueOf(RETAIN_HOURS))));
  static TestCity city; // set by CITY

  /** Someone of the day: what must not be left of them. */
  private record Person(String name, String idNumber, String phone) {
    JsonObject who() {
      return new JsonObject().put("idNumber", idNumber).put("phone", phone);
    }
  }

  private static Person person(int i) {
    return new Person(FlowKit.name("Privacy", i), Ids.resident(81, 14_600 + i), String.format("13912%06d", 340_000 + i));
  }

  @Test
  void aDayLeavesNoNameIdNumberOrPhoneInRedisPastRetention() throws Exception {
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < 7; i++) people.add(person(i));
    PersonalData sealed = PersonalData.fromVoucherSecret(city.config.voucherSecret());
    String staffDoor = city.login("door", "1357"), desk = city.login("desk", "1234"), booth = city.login("booth", "4321");

    // five bookings at pudong for today: four come, one never does
    Map<Person, JsonObject> booked = new LinkedHashMap<>();
    for (Person p : people.subList(0, 5)) {
      TestCity.Reply r = city.booking(p.who().put("name", p.name()).put("dose", 1).put("day", TestCity.TODAY).put("siteId", SITE));
      assertEquals(201, r.status(), r.body());
      booked.put(p, r.json());
    }
    int sealedValues = nothingInPlainSight(people, sealed, "after the bookings");
    assertTrue(sealedValues >= 15, "the bookings' names, ID numbers and phones are kept sealed: " + sealedValues);

    // four check in with their vouchers, two walk in
    List<String> numbers = new ArrayList<>();
    for (Person p : people.subList(0, 4)) {
      TestCity.Reply r = city.post(API + "/checkins", new JsonObject().put("voucher", booked.get(p).getString("voucher")));
      assertEquals(201, r.status(), r.body());
      numbers.add(r.json().getJsonObject("ticket").getString("number"));
    }
    for (Person p : people.subList(5, 7)) numbers.add(city.walkIn(SITE, p.name(), p.idNumber()).getString("number"));
    nothingInPlainSight(people, sealed, "after the check-ins");

    // the desk sees whom it serves (the name opened from its seal); the last one called is a no-show at the desk
    for (String n : numbers) ok(FlowKit.scan(city, staffDoor, n), "scan " + n);
    city.openVial(SITE, booth, "booth-1");
    int served = 0;
    for (int i = 0; i < numbers.size(); i++) {
      JsonObject called = ok(FlowKit.next(city, desk, "desk-1"), "desk next");
      String number = called.getJsonObject("ticket").getString("number");
      if (i == numbers.size() - 1) {
        ok(FlowKit.act(city, desk, "desk-1", "no-show"), "desk no-show " + number);
        continue;
      }
      if (i == 0) {
        TestCity.Reply station = city.get(API + "/stations/desk-1", desk);
        String seen = station.json().getJsonObject("patient", new JsonObject()).getString("name", "");
        assertTrue(people.stream().anyMatch(p -> p.name().equals(seen)), "the desk sees the patient's name: " + station.body());
      }
      ok(FlowKit.act(city, desk, "desk-1", "start"), "desk start");
      ok(FlowKit.act(city, desk, "desk-1", "done"), "desk done");
      ok(FlowKit.next(city, booth, "booth-1"), "booth next");
      ok(FlowKit.act(city, booth, "booth-1", "start"), "booth start");
      ok(FlowKit.act(city, booth, "booth-1", "done"), "booth done");
      served++;
      nothingInPlainSight(people, sealed, "after shot " + served);
    }

    // observation over: released
    CLOCK.advance(java.time.Duration.ofSeconds(61));
    int released = served;
    FlowKit.await("everyone observed released", 5_000, () -> FlowKit.state(city).getJsonObject("counts").getInteger("released") == released);
    nothingInPlainSight(people, sealed, "after the releases");

    // a person erases their booking after check-in: the ticket forgets their name and ID number at once
    Person eraser = people.get(0);
    TestCity.Reply erased = city.withCode("/api/v1/bookings/erase", eraser.who().put("dose", 1));
    assertEquals(200, erased.status(), erased.body());
    String ticketKey = "vf:{" + SITE + "}:t:" + TestCity.TODAY + ":" + numbers.get(0);
    assertEquals(0, city.redis(Command.HEXISTS, ticketKey, "name").toInteger(), "the erased person's ticket has no name");
    assertEquals(0, city.redis(Command.EXISTS, "vf:{" + SITE + "}:appt:" + booked.get(eraser).getString("appointmentId")).toInteger());
    assertEquals("released", city.redis(Command.HGET, ticketKey, "stage").toString(), "the ticket itself stays (the day's figures)");
    nothingInPlainSight(people, sealed, "after the erasure");

    // one shot still waits for the immunization record: its ticket is held (the record's delivery sets 'hold')
    String heldTicket = "vf:{" + SITE + "}:t:" + TestCity.TODAY + ":" + numbers.get(1);
    assertEquals("released", city.redis(Command.HGET, heldTicket, "stage").toString());
    city.redis(Command.HSET, heldTicket, "hold", "immunization");

    // the day ends; retainHours after it, the sweep has erased every name, ID number and phone but the held ticket's
    CLOCK.set(java.time.LocalDate.parse(TestCity.TODAY).plusDays(1).atStartOfDay(city.config.timeZone()).toInstant()
        .plus(java.time.Duration.ofHours(RETAIN_HOURS)).plusSeconds(60).toEpochMilli());
    FlowKit.await("the sweep's erasure", 10_000, () -> nothingInPlainSight(people, sealed, "past retention") == 2);
    assertTrue(sealed.opened(city.redis(Command.HGET, heldTicket, "name").toString()).isPresent(), "the held ticket keeps its name");
    // delivered: the hold cleared, the sweep's next look (an hour on) erases it
    city.redis(Command.HDEL, heldTicket, "hold");
    CLOCK.advance(java.time.Duration.ofMinutes(61));
    FlowKit.await("the held ticket's erasure", 10_000, () -> nothingInPlainSight(people, sealed, "after the hold") == 0);
    Map<String, String> tickets = city.siteDump(SITE);
    assertTrue(tickets.keySet().stream().filter(k -> k.contains(":t:" + TestCity.TODAY + ":")).count() == numbers.size(),
        "the day's tickets are still there, without their people: " + tickets.keySet());

    // the append-only file: nothing of them before a rewrite (sealed, and scripts are written as their effects), and
    // after a rewrite past retention, not even their sealed values
    String before = appendOnlyFiles();
    assertTrue(before.contains("vf:{" + SITE + "}:appt:"), "the append-only file was read");
    for (Person p : people) {
      assertFalse(before.contains(p.idNumber()) || before.contains(p.phone()) || before.contains(p.name()),
          "the append-only file holds " + p + " in plain text");
    }
    assertEquals("OK", city.redis(Command.CONFIG, "SET", "aof-use-rdb-preamble", "no").toString());
    city.redis(Command.BGREWRITEAOF);
    FlowKit.await("the append-only file rewritten", 10_000, () -> {
      String info = city.redis(Command.INFO, "persistence").toString();
      return info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")
          && info.contains("aof_last_bgrewrite_status:ok") && !appendOnlyFiles().equals(before);
    });
    String after = appendOnlyFiles();
    assertTrue(after.contains("vf:{" + SITE + "}:t:" + TestCity.TODAY), "the rewritten file holds the day's tickets");
    for (Person p : people) {
      assertFalse(after.contains(p.idNumber()) || after.contains(p.phone()) || after.contains(p.name()),
          "the rewritten append-only file holds " + p);
    }
    assertFalse(after.contains("p1:"), "the rewritten append-only file holds a sealed personal value");
    System.out.printf("PrivacyTest: %d people, %d sealed values at the bookings, 0 left %d h after the day; AOF %d -> %d bytes%n",
        people.size(), sealedValues, RETAIN_HOURS, before.length(), after.length());
  }

  /**
   * Reads every key and every value of the Redis: fails on an ID number or phone in a key name, or a name, ID number
   * or phone in plain text in a value (or a field name); answers how many values are sealed with the personal key
   * (what is still kept of people, unreadable without the secret). Keys sealed for a phone's one-time code delivery
   * ({@code otpout}) expire with the code.
   */
  private static int nothingInPlainSight(List<Person> people, PersonalData sealed, String when) {
    int kept = 0;
    String cursor = "0";
    do {
      Response page = city.redis(Command.SCAN, cursor, "COUNT", 1000);
      cursor = page.get(0).toString();
      for (Response k : page.get(1)) {
        String key = k.toString();
        for (Person p : people) {
          assertFalse(key.contains(p.idNumber()) || key.contains(p.phone()) || key.contains(p.name()),
              when + ": a key name holds " + p + ": " + key);
        }
        if (key.contains(":otpout:")) {
          long ttl = city.redis(Command.TTL, key).toLong();
          assertTrue(ttl > 0 && ttl <= city.config.bookings().codeTtlSec(), when + ": " + key + " expires with its code: " + ttl);
        }
        for (String value : values(key)) {
          for (Person p : people) {
            assertFalse(value.contains(p.idNumber()) || value.contains(p.phone()) || value.contains(p.name()),
                when + ": " + key + " holds " + p + " in plain text: " + value);
          }
          if (sealed.opened(value).isPresent()) kept++;
        }
      }
    } while (!cursor.equals("0"));
    return kept;
  }

  /** Every string a key holds: its value, its fields and values, members, scores, entries' ids, fields and values. */
  private static List<String> values(String key) {
    List<String> out = new ArrayList<>();
    String type = city.redis(Command.TYPE, key).toString();
    switch (type) {
      case "string" -> flatten(city.redis(Command.GET, key), out);
      case "hash" -> {
        flatten(city.redis(Command.HKEYS, key), out);
        flatten(city.redis(Command.HVALS, key), out);
      }
      case "list" -> flatten(city.redis(Command.LRANGE, key, 0, -1), out);
      case "set" -> flatten(city.redis(Command.SMEMBERS, key), out);
      case "zset" -> flatten(city.redis(Command.ZRANGE, key, 0, -1, "WITHSCORES"), out);
      case "stream" -> flatten(city.redis(Command.XRANGE, key, "-", "+"), out);
      case "none" -> { } // gone between the scan and the read
      default -> throw new AssertionError("a key of a type the test does not read: " + key + " " + type);
    }
    return out;
  }

  private static void flatten(Response r, List<String> out) {
    if (r == null) return;
    if (r.type() == io.vertx.redis.client.ResponseType.MULTI) {
      for (Response item : r) flatten(item, out);
    } else {
      out.add(r.toString());
    }
  }

  /**
   * The append-only file of the city's redis-server as text: Redis 7's base and increment files named by its manifest
   * (not the history files it deletes after a rewrite), or Redis 6.2's one file.
   */
  private static String appendOnlyFiles() {
    Path dir = city.redis.dataDir();
    StringBuilder all = new StringBuilder();
    try {
      Path manifest = dir.resolve("appendonlydir").resolve("appendonly.aof.manifest");
      List<Path> files = new ArrayList<>();
      if (Files.exists(manifest)) {
        for (String line : Files.readAllLines(manifest)) {
          String[] f = line.trim().split("\\s+"); // file <name> seq <n> type <b|h|i>
          if (f.length >= 6 && f[0].equals("file") && !f[5].equals("h")) files.add(dir.resolve("appendonlydir").resolve(f[1]));
        }
      } else {
        files.add(dir.resolve("appendonly.aof"));
      }
      for (Path f : files) if (Files.exists(f)) all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return all.toString();
  }
}
