package io.vaxflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisLauncherTest {

  @TempDir Path dir;

  private RedisLauncher redis;

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

    try (Socket s = connect(port)) {
      assertEquals("+PONG", call(s, "PING"));
      assertEquals("+OK", call(s, "SET", "vf:{xuhui}:probe", "A042"));
      assertEquals("A042", call(s, "GET", "vf:{xuhui}:probe"));
      assertEquals("yes", configGet(s, "appendonly"));
    }
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
    try (Socket s = connect(port)) {
      assertEquals("A042", call(s, "GET", "vf:{xuhui}:probe"));
    }
  }

  @Test
  void portAlreadyServedFails(@TempDir Path other) throws Exception {
    redis = RedisLauncher.start(dir);
    IOException e = assertThrows(IOException.class, () -> RedisLauncher.start(other, redis.port()));
    assertTrue(e.getMessage().contains(Integer.toString(redis.port())), e.getMessage());
    try (Socket s = connect(redis.port())) {
      assertEquals("+PONG", call(s, "PING"), "the first server is untouched");
    }
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
    try (Socket s = connect(leftover.port())) {
      assertEquals("+OK", call(s, "SET", "vf:{pudong}:probe", "W007"));
    }
    assertTrue(Files.exists(dir.resolve("redis.pid")), "redis writes its pid file");
    redis = RedisLauncher.start(dir); // as if the first server had died without stopping its Redis
    assertFalse(leftover.isRunning(), "the leftover redis-server was stopped");
    try (Socket s = connect(redis.port())) {
      assertEquals("W007", call(s, "GET", "vf:{pudong}:probe"), "its data carried over");
    }
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

  /** Sends a RESP command; returns a status/error line as is, a bulk string's content, or null. */
  private static String call(Socket s, String... args) throws IOException {
    send(s, args);
    return readReply(s.getInputStream());
  }

  private static String configGet(Socket s, String name) throws IOException {
    send(s, "CONFIG", "GET", name);
    InputStream in = s.getInputStream();
    String header = line(in);
    assertEquals("*2", header);
    assertEquals(name, readReply(in));
    return readReply(in);
  }

  private static void send(Socket s, String... args) throws IOException {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    OutputStream out = s.getOutputStream();
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readReply(InputStream in) throws IOException {
    String l = line(in);
    if (l.startsWith("$")) {
      int len = Integer.parseInt(l.substring(1));
      if (len < 0) {
        return null;
      }
      byte[] b = in.readNBytes(len + 2);
      return new String(b, 0, len, StandardCharsets.UTF_8);
    }
    return l;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read();
        return sb.toString();
      }
      sb.append((char) c);
    }
    throw new IOException("closed");
  }
}
