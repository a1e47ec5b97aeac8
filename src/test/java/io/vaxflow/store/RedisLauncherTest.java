package io.vaxflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisLauncherTest {

  @TempDir Path dir;

  private static Vertx vertx;
  private RedisLauncher redis;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  @AfterEach
  void stop() {
    if (redis != null) {
      redis.stop();
    }
  }

  @Test
  void runsPersistsAndStops() throws Exception {
    redis = RedisLauncher.start(dir);
    int port = redis.port();
    assertEquals("redis://127.0.0.1:" + port, redis.url());
    assertTrue(redis.isRunning());

    assertEquals("PONG", call(port, "PING"));
    assertEquals("OK", call(port, "SET", "vf:{xuhui}:probe", "A042"));
    assertEquals("A042", call(port, "GET", "vf:{xuhui}:probe"));
    assertTrue(call(port, "INFO", "persistence").contains("aof_enabled:1"), "append-only persistence");
    RedisLauncher.Answer who = RedisLauncher.whoAnswers(port);
    assertEquals(dir.toAbsolutePath().normalize(), who.dir(), "it says it works on the data dir");
    assertTrue(who.pid() > 0 && RedisLauncher.servesDir(who.pid(), port, dir.toAbsolutePath().normalize()), "and is known as ours");
    assertTrue(Files.exists(dir.resolve("appendonly.aof")) || Files.isDirectory(dir.resolve("appendonlydir")),
        "append-only file in the data dir");
    assertTrue(Files.exists(dir.resolve("redis.log")));

    redis.stop();
    redis.stop(); // idempotent
    assertFalse(redis.isRunning());
    assertThrows(IOException.class, () -> connect(port).close(), "port closed after stop");
    assertTrue(aofText().contains("vf:{xuhui}:probe"), "the write reached the append-only file");

    // Same port, same data: the value survives the restart.
    redis = RedisLauncher.start(dir, port);
    assertEquals(port, redis.port());
    assertEquals("A042", call(port, "GET", "vf:{xuhui}:probe"));
  }

  @Test
  void portAlreadyServedFails(@TempDir Path other) throws Exception {
    redis = RedisLauncher.start(dir);
    IOException e = assertThrows(IOException.class, () -> RedisLauncher.start(other, redis.port()));
    assertTrue(e.getMessage().contains(Integer.toString(redis.port())), e.getMessage());
    assertEquals("PONG", call(redis.port(), "PING"), "the first server is untouched");
  }

  private String aofText() throws IOException {
    Path single = dir.resolve("appendonly.aof");
    if (Files.exists(single)) {
      return Files.readString(single, StandardCharsets.ISO_8859_1);
    }
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.list(dir.resolve("appendonlydir"))) {
      for (Path p : files.toList()) {
        sb.append(Files.readString(p, StandardCharsets.ISO_8859_1));
      }
    }
    return sb.toString();
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(5000);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }
  /** A redis-server left behind by a killed server (same data dir) is stopped, not run twice. */
  @Test
  void aLeftoverRedisOnTheSameDataIsStoppedFirst() throws Exception {
    RedisLauncher leftover = RedisLauncher.start(dir);
    assertEquals("OK", call(leftover.port(), "SET", "vf:{pudong}:probe", "W007"));
    assertTrue(Files.exists(dir.resolve("redis.pid")), "redis writes its pid file");
    redis = RedisLauncher.start(dir); // as if the first server had died without stopping its Redis
    assertFalse(leftover.isRunning(), "the leftover redis-server was stopped");
    assertEquals("W007", call(redis.port(), "GET", "vf:{pudong}:probe"), "its data carried over");
    leftover.stop();
  }

  /** Known by what it does, not by its binary's name: with no port on record, by its working directory. */
  @Test
  void aLeftoverRedisWithNoPortOnRecordIsStoppedToo() throws Exception {
    RedisLauncher leftover = RedisLauncher.start(dir);
    Files.delete(dir.resolve("redis.port"));
    redis = RedisLauncher.start(dir);
    assertFalse(leftover.isRunning(), "the leftover redis-server was stopped");
    leftover.stop();
  }

  /** A stale redis.pid naming some other process of ours: that process is left alone. */
  @Test
  void aStalePidFileNamingAnotherProcessLeavesItAlone(@TempDir Path elsewhere) throws Exception {
    Process other = new ProcessBuilder("sleep", "60").directory(elsewhere.toFile()).start();
    try {
      Files.writeString(dir.resolve("redis.pid"), Long.toString(other.pid()));
      redis = RedisLauncher.start(dir);
      assertTrue(other.isAlive(), "an unrelated process is not stopped");
    } finally {
      other.destroyForcibly().waitFor();
    }
  }

  /**
   * A redis-server replaying its append-only file after a restart answers every command -LOADING:
   * the probe reports it as not ready yet (an IOException the start-up loop retries), never as the
   * client's error reply, which is a Throwable but not an Exception.
   */
  @Test
  void aServerStillLoadingIsNotReadyYet() throws Exception {
    try (java.net.ServerSocket loading = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      Thread answer = new Thread(() -> {
        try (Socket s = loading.accept()) {
          byte[] buf = new byte[4096];
          while (s.getInputStream().read(buf) > 0) {
            s.getOutputStream().write("-LOADING Redis is loading the dataset in memory\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
          }
        } catch (IOException closed) {
          // the probe hung up
        }
      }, "loading-redis");
      answer.setDaemon(true);
      answer.start();
      IOException e = assertThrows(IOException.class, () -> RedisLauncher.whoAnswers(loading.getLocalPort()));
      assertTrue(e.getMessage().contains("LOADING"), e.getMessage());
    }
  }

  /** One command through the Vert.x Redis client: a status reply's text, a bulk string's content, or null. */
  private static String call(int port, String... args) {
    Request req = Request.cmd(Command.create(args[0]));
    for (int i = 1; i < args.length; i++) req.arg(args[i]);
    Redis client = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
    try {
      Response r = client.send(req).await();
      return r == null ? null : r.toString();
    } finally {
      client.close();
    }
  }
}
