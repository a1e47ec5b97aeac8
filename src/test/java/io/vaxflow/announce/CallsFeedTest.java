package io.vaxflow.announce;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.EventStream;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7 item 6: {@code GET /calls?after=} does bounded work whatever {@code after} is, on a
 * stream of 200,000 events: one read of the calls index (no scan of the other events), at most
 * the latest 500 calls, oldest first, and only today's.
 */
class CallsFeedTest {

  private static final String PATH = "/api/v1/sites/" + SITE + "/calls";
  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of(
      "VAXFLOW_ANNOUNCE_REPEATS", "1", // no repeat claims (their XRANGE) inside the measured requests
      "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000",
      "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "10000")));

  @Test
  void everyAfterIsAnsweredWithOneBoundedRead() throws Exception {
    // more than 500 calls (each walk-in is called at once: the hall and the room have room)
    List<String> early = List.of();
    for (int i = 0; early.size() < 520; i++) {
      city.walkIn(SITE, "Feed Test", Ids.resident(22, i));
      if (i % 50 == 49) early = callIds("-");
    }

    // 200,000 other events after them (Lua loops, 20,000 an EVAL)
    String junk = "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'type', 'heartbeat', "
        + "'day', ARGV[2], 'at', ARGV[3], 'by', 'system') end return 1";
    for (int i = 0; i < 10; i++) {
      city.redis(Command.EVAL, junk, 1, SiteKeys.Site.EVENTS.of(SITE), 20_000, TestCity.TODAY, System.currentTimeMillis());
    }
    assertTrue(city.redis(Command.XLEN, SiteKeys.Site.EVENTS.of(SITE)).toLong() >= 200_000);
    String lastJunk = city.redis(Command.XREVRANGE, SiteKeys.Site.EVENTS.of(SITE), "+", "-", "COUNT", 1).get(0).get(0).toString();
    for (int i = 0; i < 3; i++) city.walkIn(SITE, "Feed Test", Ids.resident(23, i));
    List<String> late = callIds("(" + lastJunk);
    assertTrue(late.size() >= 3, "calls after the 200,000 events: " + late);
    List<String> all = new ArrayList<>(early);
    all.addAll(late);
    // the stream tail and the state publisher (its snapshot reads the stream) catch up on the 200,000 events first
    long[] reads = {-1};
    BridgeClient.await("the state publisher quiet", 60, () -> {
      long now = streamReads();
      boolean quiet = now == reads[0];
      reads[0] = now;
      sleepQuietly(1_000);
      return quiet;
    });

    List<String> latest500 = all.subList(all.size() - 500, all.size());
    assertEquals(latest500, ids(calls("")), "no after: the latest 500 of today's calls, oldest first");
    assertEquals(latest500, ids(calls("?after=0-0")), "after=0-0 is the day's start");
    assertEquals(latest500, ids(calls("?after=" + early.get(10))), "after an old id with more than 500 later");
    int recent = all.size() - 300;
    assertEquals(all.subList(recent + 1, all.size()), ids(calls("?after=" + all.get(recent))), "after an old id: every later call");
    assertEquals(late.subList(1, late.size()), ids(calls("?after=" + late.get(0))));
    assertEquals(List.of(), ids(calls("?after=" + lastJunk.replaceFirst("^\\d", "9"))), "after a future id");

    JsonObject first = calls("?after=" + late.get(0)).getJsonObject(0);
    assertEquals(late.get(1), first.getString("callId"));
    assertEquals(first.getString("callId"), first.getString("eventId"));
    assertTrue(first.getJsonObject("text").getString("en").contains(first.getString("number")));
  }

  /** One request: its answer, after checking it read the stream once (commandstats xrange + xrevrange). */
  private static JsonArray calls(String query) {
    long before = streamReads();
    TestCity.Reply r = city.get(PATH + query);
    long reads = streamReads() - before;
    assertEquals(200, r.status(), r.body());
    assertEquals(1, reads, "stream reads for " + query);
    JsonArray out = r.array();
    assertTrue(out.size() <= 500);
    return out;
  }

  private static long streamReads() {
    return city.commandCalls("xrange") + city.commandCalls("xrevrange");
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> ids(JsonArray calls) {
    return calls.stream().map(JsonObject.class::cast).map(c -> c.getString("callId")).toList();
  }

  /** The ids of the call events in the site's stream from {@code from}, read directly. */
  private static List<String> callIds(String from) {
    List<String> out = new ArrayList<>();
    for (var e : city.redis(Command.XRANGE, SiteKeys.Site.EVENTS.of(SITE), from, "+", "COUNT", 5000)) {
      EventStream.Entry entry = EventStream.entry(e);
      if ("call".equals(entry.get("type"))) out.add(entry.id());
    }
    return out;
  }
}
