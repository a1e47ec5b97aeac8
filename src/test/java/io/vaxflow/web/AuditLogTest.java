package io.vaxflow.web;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.BigDay;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.redis.client.Command;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, attack 8: the audit log of a big day. The event stream was capped at about 200,000 entries a site across
 * days, so a 20,000-person day's {@code events.csv} began at 09:31; and it was built whole in memory (2.6–3.9 s on
 * the event loop, check-ins stalled up to 834 ms). Now every event of a day is kept {@code audit.retentionDays}
 * after it, and the export is written as it is read.
 *
 * <p>The day is laid into the stream directly before the server starts ({@link BigDay}: a second for the day, not the
 * minutes of playing it), then people check in through the kiosk so the flow's own appends run over it. Check-in p99 while six exports run is a timing figure: the benchmark measures
 * it ({@code -Dbench.export=only}); here the content and the streaming are asserted.
 */
class AuditLogTest {

  private static final String EVENTS = "vf:{" + SITE + "}:events";
  private static final String DAY_START = "vf:{" + SITE + "}:daystart";
  /** A 20,000-person day at about ten events a person, and more than the old cap of 200,000. */
  private static final int BIG_DAY = 210_000;

  private static TestCity city;

  // calls said once: a repeat saying reads its call with XRANGE (say.lua), which the count of the export's reads would take in
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() ->
      TestCity.start(Map.of("VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000", "VAXFLOW_ANNOUNCE_REPEATS", "1")));

  /**
   * A 20,000-person day (210,000 events, more than the old cap) and five check-ins after it: a client that reads the
   * first 4 KB of events.csv and stops holds the export where the sockets' buffers fill (the server reads Redis on
   * only as it writes); reading on, it gets every event of the day, from the first, the check-ins last.
   */
  @Test
  void aBigDaysExportHoldsEveryEventAndIsWrittenAsItIsRead() throws Exception {
    String[] first = new String[1];
    city = CITY.reset(c -> first[0] = layDay(c, TestCity.TODAY, BIG_DAY));
    List<String> numbers = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) numbers.add(city.walkIn(SITE, "Chen Jie", FlowKit.idNumber(95, i)).getString("number"));
    long kept = city.redis(Command.XLEN, EVENTS).toLong();
    long bytes = city.redis(Command.MEMORY, "USAGE", EVENTS, "SAMPLES", "0").toLong();
    assertTrue(kept >= BIG_DAY + 5, kept + " events: the day laid and the five check-ins', nothing trimmed");
    long pages = kept / EventsCsv.PAGE + 1;

    String cookie = city.login("manager", "2468");
    long before = city.commandCalls("xrange");
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096); // a client that reads slowly: the server may only write what the sockets hold
      s.connect(new InetSocketAddress("127.0.0.1", city.port()));
      OutputStream out = s.getOutputStream();
      out.write(("GET " + API + "/events.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(4096);
      assertTrue(new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"), "the response has begun");
      // the client reads nothing more: the server's reads of Redis stop where its writes must wait
      long[] reads = {-1};
      FlowKit.await("the export to stop reading Redis", 20_000, () -> {
        long now = city.commandCalls("xrange") - before;
        boolean still = now == reads[0];
        reads[0] = now;
        if (!still) FlowKit.sleep(300);
        return still;
      });
      assertTrue(reads[0] < pages / 2, reads[0] + " of " + pages + " pages read while the client read nothing");

      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(head);
      in.transferTo(all);
      List<String> lines = dechunk(all.toString(StandardCharsets.UTF_8)).lines().toList();
      System.out.printf("AuditLogTest: %,d events in the stream (%.0f bytes of Redis memory each); a client that stopped "
          + "reading after 4 KB held the export at %d of its %d pages; read on, events.csv had %,d lines, %.1f MB%n",
          kept, (double) bytes / kept, reads[0], pages, lines.size(), all.size() / 1e6);
      assertEquals("eventId,at,type,number,from,to,station,by,details", lines.get(0));
      assertTrue(lines.get(1).startsWith(first[0] + ","), "the export begins with the day's first event: " + lines.get(1));
      assertEquals(kept + 1, lines.size(), "every event of the day, and the header");
      for (String n : numbers) {
        assertTrue(lines.subList(BIG_DAY + 1, lines.size()).stream().anyMatch(l -> l.contains(",checkin," + n + ",")),
            "the check-in of " + n + " after the day laid");
      }
      assertEquals(pages, city.commandCalls("xrange") - before, "each page read once");
    }
  }

  @Test
  void aDayIsKeptForTheRetentionThenDroppedWhole() {
    // 31, 30 and 1 day(s) before today (2026-11-24); audit.retentionDays is 30
    city = CITY.reset(c -> {
      layDay(c, "2026-10-24", 300);
      layDay(c, "2026-10-25", 300);
      layDay(c, "2026-11-23", 300);
    });
    String manager = city.login("manager", "2468");
    assertEquals(300 + 1, city.get(API + "/events.csv?day=2026-10-24", manager).body().lines().count(), "kept until today's first event");
    city.walkIn(SITE, "Wu Fang", FlowKit.idNumber(96, 1)); // today's first event: the days past the retention leave

    assertEquals(1, city.get(API + "/events.csv?day=2026-10-24", manager).body().lines().count(), "31 days old: dropped");
    assertEquals(300 + 1, city.get(API + "/events.csv?day=2026-10-25", manager).body().lines().count(), "30 days old: kept");
    assertEquals(300 + 1, city.get(API + "/events.csv?day=2026-11-23", manager).body().lines().count(), "yesterday: kept");
    long today = city.get(API + "/events.csv?day=" + TestCity.TODAY, manager).body().lines().count() - 1;
    assertTrue(today >= 1, "today: its check-in");
    assertEquals(300 + 300 + today, city.redis(Command.XLEN, EVENTS).toLong(), "the dropped day's entries are gone from Redis");
    assertEquals(null, city.redis(Command.HGET, DAY_START, "2026-10-24"), "and its first id");
  }

  /** {@code n} events of {@code day} laid into the site's stream ({@link BigDay}); the day's first id. */
  private static String layDay(TestCity city, String day, int n) {
    String first = null;
    for (io.vertx.redis.client.Request r : BigDay.requests(SITE, day, n)) {
      String id = city.redisClient().send(r).await().toString();
      if (first == null) first = id;
    }
    return first;
  }

  /** The body of a chunked HTTP/1.1 response (its head dropped). */
  private static String dechunk(String response) throws IOException {
    int at = response.indexOf("\r\n\r\n") + 4;
    StringBuilder out = new StringBuilder();
    while (true) {
      int eol = response.indexOf("\r\n", at);
      int size = Integer.parseInt(response.substring(at, eol).strip(), 16);
      if (size == 0) return out.toString();
      out.append(response, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }
}
