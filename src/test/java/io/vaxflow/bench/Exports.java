package io.vaxflow.bench;

import io.vaxflow.support.BigDay;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's audit-log rows ({@code -Dbench.export=only}): check-ins at a fixed rate alone, then while six
 * managers export a 20,000-person day's events.csv at once, each starting again as soon as it has its file, then
 * alone again. The exporters run on a Vert.x of their own (their reading must not delay the check-ins' client) and
 * read as fast as they can. The day is laid at jingan before the server starts ({@link BigDay}).
 */
final class Exports {

  static final String SITE = "jingan";
  static final String DAY = "2026-11-24";
  static final int EVENTS = 210_000;
  private static final int EXPORTERS = 6;
  private static final int RATE = Integer.getInteger("bench.export.rate", 250);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);

  private final Benchmark bench;
  private final Process server;

  Exports(Benchmark bench, Process server) {
    this.bench = bench;
    this.server = server;
  }

  /** The day's events in the site's stream, before the server starts. */
  static void layDay(Vertx vertx, String redisUrl) {
    Redis client = Redis.createClient(vertx, redisUrl);
    try {
      for (Request r : BigDay.requests(SITE, DAY, EVENTS)) client.send(r).await();
    } finally {
      client.close();
    }
  }

  void run() throws Exception {
    bench.line("## Check-in latency while six exports of a 20,000-person day's events.csv run (open loop, " + RATE + "/s, "
        + SECONDS + " s each)");
    bench.line("");
    bench.line(Benchmark.RUN_HEAD);
    bench.openLoop("warm-up", "POST", Benchmark.CHECKIN, bench::walkIn, RATE, 5, false); // the rate's own warm-up
    Benchmark.Run alone = bench.openLoop("export", "POST", Benchmark.CHECKIN, bench::walkIn, RATE, SECONDS, true);

    Vertx own = Vertx.vertx();
    HttpClient client = own.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(bench.port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(EXPORTERS));
    AtomicBoolean exporting = new AtomicBoolean(true);
    AtomicLong bytes = new AtomicLong();
    AtomicLong files = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Long> seconds = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < EXPORTERS; i++) export(client, exporting, bytes, files, failed, seconds);
    Thread.sleep(2_000); // the exports under way before the row begins
    AtomicLong rssMax = new AtomicLong();
    Thread rss = new Thread(() -> { // the server's resident memory while the exports run
      while (exporting.get()) {
        try {
          rssMax.accumulateAndGet(Benchmark.rssKb(server), Math::max);
          Thread.sleep(250);
        } catch (Exception e) {
          return;
        }
      }
    }, "rss");
    rss.start();
    long bytesBefore = bytes.get();
    long t0 = System.nanoTime();
    Benchmark.Run during = bench.openLoop("export", "POST", Benchmark.CHECKIN, bench::walkIn, RATE, SECONDS, true);
    double rowSec = (System.nanoTime() - t0) / 1e9;
    long rowBytes = bytes.get() - bytesBefore;
    exporting.set(false);
    rss.join();
    own.close().await();
    Benchmark.Run after = bench.openLoop("export", "POST", Benchmark.CHECKIN, bench::walkIn, RATE, SECONDS, true);
    bench.line("");
    double meanSec = seconds.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1e3;
    bench.line(String.format(Locale.ROOT, "Rows: alone, during six exports, after. During the second row the six exporters read "
        + "%.0f MB/s of CSV in all (%d files of %.1f MB each were complete in the run, each in %.1f s on average; %d failed); "
        + "the server's resident memory at most %d MiB meanwhile. Check-in p99 during / quiet (the lower of before and "
        + "after): **×%.2f** (target within 1.5×; during / before ×%.2f, during / after ×%.2f). Load average at the end: %s.",
        rowBytes / rowSec / 1e6, files.get(), (double) bytes.get() / Math.max(1, files.get()) / 1e6, meanSec, failed.get(),
        rssMax.get() / 1024, during.p99() / Math.min(alone.p99(), after.p99()), during.p99() / alone.p99(),
        during.p99() / after.p99(), Benchmark.loadAverage()));
  }

  /** One manager exporting the day's file again and again, reading it as fast as it comes. */
  private void export(HttpClient client, AtomicBoolean exporting, AtomicLong bytes, AtomicLong files, AtomicLong failed,
                      List<Long> seconds) {
    if (!exporting.get()) return;
    long t0 = System.nanoTime();
    long[] size = {0};
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/v1/sites/" + SITE + "/events.csv?day=" + DAY)
            .putHeader("Cookie", bench.cookie))
        .compose(req -> req.send())
        .compose(resp -> {
          resp.handler(b -> {
            size[0] += b.length();
            bytes.addAndGet(b.length());
          });
          return resp.end().map(v -> resp.statusCode());
        })
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 200 && size[0] > 1_000_000) {
            files.incrementAndGet();
            seconds.add((System.nanoTime() - t0) / 1_000_000);
          } else if (exporting.get()) {
            failed.incrementAndGet();
          }
          export(client, exporting, bytes, files, failed, seconds);
        });
  }
}
