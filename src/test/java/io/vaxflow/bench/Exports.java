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
 * alone again, {@code -Dbench.export.rounds} times (default 2: quiet, six, quiet, six, quiet). The exporters run on a Vert.x of their own (their reading must not delay the check-ins' client) and
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
    bench.line(Benchmark.RUN_HEAD.replace("| endpoint |", "| exports | endpoint |").replace("|---|", "|---|---|"));
    // the export path's own warm-up (its first run had the server's JIT compiling it), then the rate's
    new Exporting().warmUp();
    bench.openLoop("warm-up", "POST", Benchmark.CHECKIN, bench::walkIn, RATE, 5, false);
    // quiet and during alternate, so that what else runs on the machine weighs on both alike
    List<Benchmark.Run> quiet = new ArrayList<>(List.of(row("none")));
    List<String> during = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Exporting e = new Exporting();
      Benchmark.Run r = e.row();
      quiet.add(row("none"));
      double ratio = r.p99() / Math.min(quiet.get(round).p99(), quiet.get(round + 1).p99());
      during.add(String.format(Locale.ROOT, "×%.2f (%.1f MB/s of CSV read in all, %d whole files, %d failed, the server's "
          + "resident memory at most %d MiB)", ratio, e.rowBytes / e.rowSec / 1e6, e.files.get(), e.failed.get(),
          e.rssMax.get() / 1024));
    }
    bench.line("");
    bench.line("Check-in p99 during six exports / the lower of the quiet rows before and after it (target within 1.5×): "
        + String.join("; ", during) + ". Load average at the end: " + Benchmark.loadAverage() + ".");
  }

  /** How many times the six exports run (each between two quiet rows). */
  private static final int ROUNDS = Integer.getInteger("bench.export.rounds", 2);

  private Benchmark.Run row(String exports) throws InterruptedException {
    Benchmark.Run r = bench.openLoop("export", "POST", Benchmark.CHECKIN, bench::walkIn, RATE, SECONDS, false);
    bench.line("| " + exports + " " + Benchmark.row(r));
    return r;
  }

  /** Six managers exporting the day again and again for one row of check-ins, on a Vert.x of their own. */
  private final class Exporting {
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong files = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong rssMax = new AtomicLong();
    double rowSec;
    long rowBytes;

    /** Six exports for as long as a row, with check-ins at the rate, unmeasured. */
    void warmUp() throws Exception {
      run(() -> bench.openLoop("warm-up", "POST", Benchmark.CHECKIN, bench::walkIn, RATE, SECONDS, false));
    }

    Benchmark.Run row() throws Exception {
      return run(() -> Exports.this.row("six"));
    }

    private Benchmark.Run run(java.util.concurrent.Callable<Benchmark.Run> checkins) throws Exception {
      Vertx own = Vertx.vertx();
      HttpClient client = own.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(bench.port)
          .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(EXPORTERS));
      AtomicBoolean exporting = new AtomicBoolean(true);
      List<Long> seconds = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < EXPORTERS; i++) export(client, exporting, bytes, files, failed, seconds);
      Thread.sleep(2_000); // the exports under way before the row begins
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
      Benchmark.Run during = checkins.call();
      rowSec = (System.nanoTime() - t0) / 1e9;
      rowBytes = bytes.get() - bytesBefore;
      exporting.set(false);
      rss.join();
      own.close().await();
      return during;
    }
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
