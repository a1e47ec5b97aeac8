package io.vaxflow.flow;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.store.RedisLauncher;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, attack 7: a power cut under Redis. Two servers share one Redis whose append-only file is fsynced every
 * second ({@code appendfsync everysec}, as an external Redis often is); four kiosks check people in through them
 * without pause. Ten times, Redis is killed ({@code kill -9}) and its append-only file cut back to the size it had
 * at least a second before the kill, as a power cut leaves a file fsynced once a second (the last second's writes
 * never reached the disk), then Redis is started again on it. Redis loads the cut file as it is ({@code
 * aof-load-truncated yes}, Redis 6.2 and 7.0: no {@code redis-check-aof --fix} was needed; it is run if Redis refuses
 * the file). The acknowledged check-ins of the lost second are gone from Redis, their numbers included: before,
 * the next check-ins were given those numbers again (201 and 203 of them, to other people; 1,072 in this test with
 * the floors, the margin and the lift after a restart taken out). Now no number is acknowledged twice across every
 * check-in of the run, and each server's {@code /health} counts the ten restarts. The check-ins are paced (about 100
 * a second in all, twenty times a busy site's peak) so the test shares the machine: it asserts no time.
 */
class PowerCutTest {

  private static final int CUTS = 10;
  /** Between a kiosk's check-ins: four kiosks check in about 100 people a second, twenty times a busy site's peak. */
  private static final long KIOSK_PAUSE_MS = 30;
  private static final long CUT_BACK_NS = TimeUnit.SECONDS.toNanos(1);
  private static final Map<String, String> SETTINGS = Map.of(
      "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000", "VAXFLOW_REDIS_TIMEOUTMS", "1000");
  private static final AtomicInteger ID = new AtomicInteger();

  /** A size of the append-only file and when it was seen. */
  private record Sample(long atNs, long size) {}

  @Test
  void tenPowerCutsUnderLoadIssueNoNumberTwice() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-power-cut");
    RedisLauncher redis = RedisLauncher.start(dir);
    List<RedisLauncher> launched = new ArrayList<>(List.of(redis));
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    Deque<Sample> sizes = new ConcurrentLinkedDeque<>();
    long cutBytes = 0;
    try (TestCity one = TestCity.on(redis, SETTINGS); TestCity two = TestCity.on(redis, SETTINGS)) {
      everysec(one);
      for (TestCity city : List.of(one, two)) {
        for (int k = 0; k < 2; k++) threads.add(kiosk(city, acknowledged, stop));
      }
      Thread sampler = new Thread(() -> {
        while (!stop.get()) {
          try {
            sizes.add(new Sample(System.nanoTime(), Files.size(aof(dir))));
            Thread.sleep(10);
          } catch (IOException | InterruptedException e) {
            // the file is being replaced at a restart: next sample
          }
        }
      }, "aof-size");
      threads.add(sampler);
      threads.forEach(Thread::start);

      for (int cut = 1; cut <= CUTS; cut++) {
        long restartedNs = System.nanoTime();
        int before = acknowledged.size();
        // check-ins on the restarted Redis for longer than the second the cut takes back
        FlowKit.await("check-ins before cut " + cut, 60_000,
            () -> acknowledged.size() >= before + 50 && System.nanoTime() - restartedNs > CUT_BACK_NS * 5 / 4);
        long pid = pid(one);
        long killedNs = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(p -> {
          p.destroyForcibly();
          p.onExit().join();
        });
        Path file = aof(dir);
        long size = Files.size(file);
        long keep = sizes.stream().filter(s -> s.atNs() <= killedNs - CUT_BACK_NS).mapToLong(Sample::size).max().orElseThrow();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(keep);
        }
        cutBytes += size - keep;
        sizes.clear();
        redis = restart(dir, redis.port(), file);
        launched.add(redis);
        everysec(one);
      }
      int atLastRestart = acknowledged.size();
      FlowKit.await("check-ins after the last cut", 60_000, () -> acknowledged.size() >= atLastRestart + 50);
      stop.set(true);
      for (Thread t : threads) t.join(10_000);

      List<String> twice = FlowKit.issuedTwice(acknowledged);
      Set<String> kept = checkinsInRedis(one);
      long lost = acknowledged.stream().filter(n -> !kept.contains(n)).count();
      System.out.printf("PowerCutTest: %d power cuts, %d check-ins acknowledged, %d of them lost with the cut seconds "
          + "(%,d bytes of append-only file cut), %d numbers issued twice%n", CUTS, acknowledged.size(), lost, cutBytes, twice.size());
      assertEquals(List.of(), twice, "numbers acknowledged to two people");
      assertTrue(lost > 0, "the cuts took acknowledged check-ins with them (else nothing was tested)");
      for (TestCity city : List.of(one, two)) {
        Reply health = city.get("/health");
        JsonObject r = health.json().getJsonObject("checks").getJsonObject("redis");
        assertEquals(200, health.status(), health.body());
        assertEquals(CUTS, r.getInteger("redisRestarts"), "each restart noticed once: " + health.body());
        assertTrue(r.containsKey("lastRedisRestart"), health.body());
      }
    } finally {
      stop.set(true);
      for (Thread t : threads) t.join(10_000);
      launched.forEach(RedisLauncher::stop);
      TestCity.deleteTree(dir);
    }
  }

  /** A kiosk checking walk-ins in one after another; a 201's number is acknowledged. */
  private static Thread kiosk(TestCity city, List<String> acknowledged, AtomicBoolean stop) {
    return new Thread(() -> {
      while (!stop.get() && acknowledged.size() < 100_000) {
        try {
          Reply r = city.post(API + "/checkins", new JsonObject().put("walkIn", new JsonObject().put("name", "Qian Yu")
              .put("idNumber", FlowKit.idNumber(70 + ID.get() / 10_000, ID.incrementAndGet() % 10_000)).put("dose", 1)));
          if (r.status() == 201) acknowledged.add(r.json().getJsonObject("ticket").getString("number"));
          Thread.sleep(KIOSK_PAUSE_MS);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // cut off by the kill: not acknowledged
        }
      }
    }, "kiosk");
  }

  /** As an external Redis often runs: the append-only file fsynced once a second (the embedded default fsyncs always). */
  private static void everysec(TestCity city) {
    FlowKit.await("appendfsync everysec (Redis may still be loading its file)", 30_000, () -> {
      try {
        city.redis(Command.CONFIG, "SET", "appendfsync", "everysec");
        return true;
      } catch (RuntimeException loading) {
        return false;
      }
    });
  }

  private static long pid(TestCity city) {
    String info = city.redis(Command.INFO, "server").toString();
    return info.lines().filter(l -> l.startsWith("process_id:")).map(l -> Long.parseLong(l.substring(11).strip()))
        .findFirst().orElseThrow();
  }

  /** The file Redis appends to: 7.x's newest incr file in appendonlydir, 6.2's appendonly.aof. */
  private static Path aof(Path dir) throws IOException {
    Path multi = dir.resolve("appendonlydir");
    if (!Files.isDirectory(multi)) return dir.resolve("appendonly.aof");
    try (Stream<Path> files = Files.list(multi)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".incr.aof"))
          .max(java.util.Comparator.comparingLong(f -> Long.parseLong(f.getFileName().toString().replaceAll("\\D", ""))))
          .orElseThrow(() -> new IOException("no incr file in " + multi));
    }
  }

  /** Redis started again on its cut file; redis-check-aof --fix first if it refuses the file (it has not, so far). */
  private static RedisLauncher restart(Path dir, int port, Path file) throws Exception {
    try {
      return RedisLauncher.start(dir, port);
    } catch (IOException refused) {
      Process fix = new ProcessBuilder("redis-check-aof", "--fix", file.toString()).redirectErrorStream(true).start();
      fix.getOutputStream().write("y\n".getBytes());
      fix.getOutputStream().close();
      String out = new String(fix.getInputStream().readAllBytes());
      fix.waitFor(30, TimeUnit.SECONDS);
      System.out.println("PowerCutTest: Redis refused the cut file (" + refused.getMessage().lines().findFirst().orElse("")
          + "); redis-check-aof --fix: " + out.strip());
      return RedisLauncher.start(dir, port);
    }
  }

  /** The numbers of every check-in event the stream still has. */
  private static Set<String> checkinsInRedis(TestCity city) {
    Set<String> out = new HashSet<>();
    String from = "-";
    while (true) {
      Response page = city.redis(Command.XRANGE, "vf:{" + SITE + "}:events", from, "+", "COUNT", 5000);
      if (page.size() == 0) return out;
      for (Response e : page) {
        Response f = e.get(1);
        Map<String, String> fields = new java.util.HashMap<>();
        for (int i = 0; i + 1 < f.size(); i += 2) fields.put(f.get(i).toString(), f.get(i + 1).toString());
        if ("checkin".equals(fields.get("type"))) out.add(fields.get("number"));
      }
      if (page.size() < 5000) return out;
      from = "(" + page.get(page.size() - 1).get(0).toString();
    }
  }
}
