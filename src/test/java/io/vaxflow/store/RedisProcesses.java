package io.vaxflow.store;

import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.support.TestCity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * Redis processes a test runs itself on loopback ports, in one temp dir: Cluster nodes, a master
 * with replicas, sentinels. {@code redis-server} and {@code redis-cli} come from PATH; without them
 * the test is skipped, unless {@code CI=true}, where it fails. {@link #close} stops every process
 * started here (and removes the dir).
 */
final class RedisProcesses implements AutoCloseable {

  /** One process: its port and the process itself ({@link #kill} is {@code kill -9}). */
  record Node(int port, Process process, Path dir) {
    String url() {
      return "redis://127.0.0.1:" + port;
    }

    /** SIGSTOP / SIGCONT: the process hangs (answers nothing) until resumed. */
    void signal(String sig) {
      run(List.of("kill", "-" + sig, String.valueOf(process.pid())));
    }

    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final Path dir;
  private final List<Node> nodes = new ArrayList<>();

  private RedisProcesses(Path dir) {
    this.dir = dir;
  }

  /** Skips (or under CI fails) when redis-server or redis-cli is not on PATH. */
  static RedisProcesses start() {
    for (String tool : List.of("redis-server", "redis-cli")) {
      if (onPath(tool) == null) {
        String why = tool + " is not on PATH (apt-get install redis-server redis-tools)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(why);
        Assumptions.abort(why);
      }
    }
    try {
      return new RedisProcesses(Files.createTempDirectory("vaxflow-redis"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A redis-server on a free port (its cluster bus port, +10000, free too) with these extra arguments. */
  Node server(String name, String... args) {
    int port = freePort();
    Path d = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", d.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
        "--logfile", d.resolve("redis.log").toString(), "--repl-diskless-sync-delay", "0"));
    cmd.addAll(List.of(args));
    return launch(name, port, d, cmd);
  }

  /** A sentinel watching {@code master} as {@code masterName}: quorum 2, down after 1 s. */
  Node sentinel(String name, String masterName, Node master) {
    int port = freePort();
    Path d = dir.resolve(name);
    String conf = String.join("\n",
        "port " + port, "bind 127.0.0.1", "dir " + d, "logfile " + d.resolve("sentinel.log"),
        "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 2",
        "sentinel down-after-milliseconds " + masterName + " 1000",
        "sentinel failover-timeout " + masterName + " 5000",
        "sentinel parallel-syncs " + masterName + " 1", "");
    try {
      Files.createDirectories(d);
      Files.writeString(d.resolve("sentinel.conf"), conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return launch(name, port, d, List.of("redis-server", d.resolve("sentinel.conf").toString(), "--sentinel"));
  }

  private Node launch(String name, int port, Path d, List<String> cmd) {
    try {
      Files.createDirectories(d);
      Process p = new ProcessBuilder(cmd).directory(d.toFile()).redirectErrorStream(true)
          .redirectOutput(d.resolve("stdout.log").toFile()).start();
      Node node = new Node(port, p, d);
      nodes.add(node);
      long deadline = System.currentTimeMillis() + 10_000;
      while (!cli(port, "PING").equals("PONG")) {
        if (!p.isAlive() || System.currentTimeMillis() > deadline) {
          fail(name + " did not start on port " + port + ": " + Files.readString(d.resolve("stdout.log")));
        }
        Thread.sleep(50);
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code redis-cli -p port args...}: its output, trimmed ("" when it cannot connect). */
  static String cli(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + cmd);
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      return text.startsWith("Could not connect") ? "" : text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code check} every 100 ms until it holds or {@code ms} pass; false if it never did. */
  static boolean await(long ms, java.util.function.BooleanSupplier check) {
    long deadline = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < deadline) {
      if (check.getAsBoolean()) return true;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return check.getAsBoolean();
  }

  static boolean lineMatches(String text, Predicate<String> line) {
    return text.lines().anyMatch(line);
  }

  /** Stops every process (SIGTERM, then SIGKILL) and removes the temp dir. */
  @Override
  public void close() {
    for (Node n : nodes) n.process().destroy();
    for (Node n : nodes) {
      try {
        if (!n.process().waitFor(5, TimeUnit.SECONDS)) n.kill();
      } catch (InterruptedException e) {
        n.kill();
        Thread.currentThread().interrupt();
      }
    }
    TestCity.deleteTree(dir);
  }

  private static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 50_000);
      if (free(port) && free(port + 10_000)) return port;
    }
    throw new IllegalStateException("no free port pair found");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (entry.isBlank()) continue;
      Path p = Path.of(entry, name);
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }
}
