package io.vaxflow.store;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vaxflow.config.VaxflowConfig.Redis.Fsync;
import redis.embedded.core.ExecutableProvider;

/**
 * The embedded default: runs a real {@code redis-server} of the server's own — the one on
 * {@code PATH}, else the binary shipped inside {@code com.github.codemonstur:embedded-redis} — on a
 * loopback port, with append-only persistence in the data directory, fsynced as {@code redis.appendfsync}
 * says: {@code always} by default (Redis answers a write once it is on disk, fsyncing once per event-loop cycle for
 * every client served in it), so a power cut that takes the server and its Redis together loses nothing acknowledged.
 * A JVM shutdown hook stops it on exit. It talks to the redis-server it starts (is it ready, whose is
 * it) through the Vert.x Redis client, on a small Vert.x of its own with daemon threads.
 *
 * <p>All methods block (process start, polling, waiting for exit): call them from {@code main} or a
 * worker thread, never from an event loop.
 */
public final class RedisLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(RedisLauncher.class);

  private static final String LOOPBACK = "127.0.0.1";
  private static final long START_TIMEOUT_MS = 10_000;
  private static final long STOP_TIMEOUT_MS = 5_000;
  private static final int LOG_TAIL_BYTES = 4096;
  /** Attempts with a fresh free port when the chosen one is taken before redis binds it. */
  private static final int FREE_PORT_ATTEMPTS = 3;
  /** Where we note the port of the redis-server running on a data directory (for {@link #stopLeftover}). */
  private static final String PORT_FILE = "redis.port";
  /** Chooses the redis-server binary: auto (default), path, bundled, or an executable's path. */
  static final String SERVER_ENV = "REDIS_SERVER";

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final Path binary;
  private final Thread shutdownHook;
  private volatile boolean stopped;

  private RedisLauncher(Process process, int port, Path dataDir, Path binary) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.binary = binary;
    this.shutdownHook = new Thread(this::stopQuietly, "redis-launcher-shutdown-" + port);
  }

  /** Starts redis-server on a free loopback port with its data (and {@code redis.log}) in {@code dataDir}, fsync always. */
  public static RedisLauncher start(Path dataDir) throws IOException {
    return start(dataDir, Fsync.ALWAYS);
  }

  /** As {@link #start(Path)}, its append-only file fsynced as {@code fsync} says. */
  public static RedisLauncher start(Path dataDir, Fsync fsync) throws IOException {
    Path dir = prepare(dataDir);
    Path binary = binary(dir);
    IOException last = null;
    for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt++) {
      try {
        return launch(binary, dir, freePort(), fsync);
      } catch (PortTakenException e) {
        last = e;
        LOG.warn("{}; trying another port", e.getMessage());
      }
    }
    throw last;
  }

  /** Starts redis-server on the given loopback port (e.g. to restart it on the same port and data). */
  public static RedisLauncher start(Path dataDir, int port) throws IOException {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    Path dir = prepare(dataDir);
    return launch(binary(dir), dir, port, Fsync.ALWAYS);
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return url(port);
  }

  /**
   * The URL of the redis-server that a server started on this data directory (its port as recorded there), for a
   * command run beside it (`java -jar vaxflow.jar enrol ...`); empty when none was recorded.
   */
  public static Optional<String> runningUrl(Path dataDir) {
    int port = recordedPort(dataDir.toAbsolutePath().normalize());
    return port > 0 ? Optional.of(url(port)) : Optional.empty();
  }

  public int port() {
    return port;
  }

  /** The (absolute) data directory: append-only file and {@code redis.log}. */
  public Path dataDir() {
    return dataDir;
  }

  /** The redis-server executable that runs. */
  public Path binary() {
    return binary;
  }

  public boolean isRunning() {
    return !stopped && process.isAlive();
  }

  /**
   * Stops redis-server: SIGTERM (redis flushes the append-only file and exits), up to 5 s, then
   * kill. Idempotent.
   */
  public void stop() {
    synchronized (this) {
      if (stopped) return;
      stopped = true;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | SecurityException e) {
      // JVM already shutting down (this may be the hook itself)
    }
    if (!terminate(process.toHandle())) LOG.warn("redis-server on port {} did not stop within {} ms; killed it", port, STOP_TIMEOUT_MS);
    LOG.info("redis-server on port {} stopped", port);
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      // nothing more to do at exit
    }
  }

  @Override
  public String toString() {
    return "RedisLauncher[" + url() + ", " + dataDir + "]";
  }

  // ---------------------------------------------------------------- launching

  private static final class PortTakenException extends IOException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }

  private static Path prepare(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    return dir;
  }

  private static RedisLauncher launch(Path binary, Path dir, int port, Fsync fsync) throws IOException {
    stopLeftover(dir);
    Path logFile = dir.resolve("redis.log");
    long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
    Process process = new ProcessBuilder(binary.toString(),
        "--port", Integer.toString(port), "--bind", LOOPBACK, "--dir", dir.toString(),
        "--appendonly", "yes", "--appendfsync", fsync.word(), "--save", "", "--daemonize", "no", "--protected-mode", "yes",
        "--logfile", logFile.toString(), "--pidfile", dir.resolve("redis.pid").toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        // Errors before redis opens its log file (bad option, port in use) go to stdout/stderr.
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    process.getOutputStream().close();
    RedisLauncher launcher = new RedisLauncher(process, port, dir, binary);
    try {
      awaitReady(process, port, logFile, logStart);
    } catch (IOException | RuntimeException e) {
      launcher.stopped = true;
      process.destroyForcibly();
      terminate(process.toHandle());
      throw e;
    }
    Files.writeString(dir.resolve(PORT_FILE), Integer.toString(port));
    Runtime.getRuntime().addShutdownHook(launcher.shutdownHook);
    LOG.info("redis-server {} (pid {}) listening on {}:{}, data in {}", binary, process.pid(), LOOPBACK, port, dir);
    return launcher;
  }

  /** Polls until our process answers on the port; fails after 10 s, if it exits, or if another server answers. */
  private static void awaitReady(Process process, int port, Path logFile, long logStart) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String tail = tail(logFile, logStart);
        String msg = "redis-server exited with status " + process.exitValue() + " before it was ready on port " + port
            + "; " + logFile + ":\n" + tail;
        if (tail.contains("Address already in use")) throw new PortTakenException("port " + port + " is already in use: " + msg);
        throw new IOException(msg);
      }
      try {
        long pid = whoAnswers(port).pid();
        if (pid != process.pid() && process.descendants().noneMatch(h -> h.pid() == pid)) {
          throw new PortTakenException("port " + port + " is already served by another redis-server (pid " + pid + ")");
        }
        return;
      } catch (IOException e) {
        last = e.getMessage(); // not listening yet, or -LOADING while the append-only file is replayed
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for redis-server on port " + port, e);
      }
    }
    throw new IOException("redis-server did not answer on port " + port + " within " + START_TIMEOUT_MS + " ms (last: " + last
        + "); " + logFile + ":\n" + tail(logFile, logStart));
  }

  // ---------------------------------------------------------------- asking a redis-server who it is

  /** What a redis-server says of itself: its process id and its working directory. */
  record Answer(long pid, Path dir) {}

  /** The launcher's own Vert.x: one event loop, daemon threads (never holds a JVM open), no metrics. */
  private static final class Probe {
    static final Vertx VERTX = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1).setUseDaemonThread(true));
  }

  /**
   * PING, INFO server and CONFIG GET dir in one round trip to the redis-server on the loopback
   * {@code port}; an {@link IOException} when nothing answers in time or it is not ready (-LOADING).
   */
  static Answer whoAnswers(int port) throws IOException {
    // a server that takes the connection but never answers (hung) is dropped after 2 s idle
    Redis client = Redis.createClient(Probe.VERTX, new RedisOptions().setConnectionString(url(port))
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(250).setIdleTimeout(2).setIdleTimeoutUnit(TimeUnit.SECONDS)));
    try {
      // closed once done, in time or not: nothing is cut off in the middle of its handshake
      List<Response> r = client.connect()
          .compose(c -> c.batch(List.of(Request.cmd(Command.PING), Request.cmd(Command.INFO).arg("server"),
              Request.cmd(Command.CONFIG).arg("GET").arg("dir"))).eventually(c::close))
          .eventually(client::close)
          .await(3, TimeUnit.SECONDS);
      Response dir = r.get(2); // RESP3: a map; RESP2: [name, value]
      return new Answer(infoField(r.get(1).toString(), "process_id").map(Long::parseLong).orElse(-1L),
          Path.of((dir.containsKey("dir") ? dir.get("dir") : dir.get(1)).toString()).toAbsolutePath().normalize());
    } catch (Throwable e) {
      // a Redis error reply (-LOADING while the append-only file is replayed) is an ErrorType: a Throwable, not an Exception
      if (e instanceof Error error) throw error;
      throw e instanceof IOException io ? io : new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  private static Optional<String> infoField(String info, String name) {
    return info.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).strip()).findFirst();
  }

  /**
   * A redis-server left running on this data directory by an earlier server that was killed (its
   * shutdown hook never ran) would write the same append-only file as ours: stop it first. Its
   * pid is in redis.pid (written by redis), its port in redis.port (written by us). It is ours
   * when the process itself says so: on that port it answers with that pid and this directory.
   * Where it does not answer, a Linux process whose working directory is this one (redis chdirs to
   * its dir) counts too. Never by the binary's name: Debian's /usr/bin/redis-server is a link to
   * redis-check-rdb. SIGTERM lets it flush the file first.
   */
  private static void stopLeftover(Path dir) throws IOException {
    Path pidFile = dir.resolve("redis.pid");
    if (!Files.exists(pidFile)) return;
    String text = Files.readString(pidFile).strip();
    Files.deleteIfExists(pidFile);
    if (!text.matches("[0-9]{1,10}")) return;
    long pid = Long.parseLong(text);
    Optional<ProcessHandle> old = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (old.isEmpty() || !servesDir(pid, recordedPort(dir), dir)) return;
    LOG.warn("stopping redis-server pid {} left running on {} by an earlier Vaxflow", pid, dir);
    terminate(old.get());
  }

  private static int recordedPort(Path dir) {
    try {
      String p = Files.readString(dir.resolve(PORT_FILE)).strip();
      return p.matches("[0-9]{1,5}") ? Integer.parseInt(p) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Whether process {@code pid} is a redis-server working on {@code dir} (see {@link #stopLeftover}). */
  static boolean servesDir(long pid, int port, Path dir) {
    if (port > 0) {
      try {
        Answer a = whoAnswers(port);
        if (a.pid() == pid) return dir.equals(a.dir());
      } catch (IOException e) {
        // no answer (e.g. hung): fall back to what the OS says
      }
    }
    try {
      return Files.isSameFile(Path.of("/proc", Long.toString(pid), "cwd"), dir);
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or not our process to look into
    }
  }

  /** SIGTERM, up to 5 s, then kill; whether it ended on its own. */
  private static boolean terminate(ProcessHandle p) {
    p.destroy();
    try {
      p.onExit().get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // still running
    }
    p.destroyForcibly();
    try {
      p.onExit().get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // gone or not ours to wait for
    }
    return false;
  }

  private static String tail(Path logFile, long from) {
    try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
      long len = f.length();
      long start = Math.max(from, len - LOG_TAIL_BYTES);
      if (start >= len) return "(empty)";
      byte[] buf = new byte[(int) (len - start)];
      f.seek(start);
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(cannot read: " + e + ")";
    }
  }

  private static String url(int port) {
    return "redis://" + LOOPBACK + ":" + port;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return s.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- finding the binary

  /**
   * Which redis-server runs, by {@code REDIS_SERVER}: unset or {@code auto}, the one on PATH else
   * the bundled one; {@code path}, the one on PATH only; {@code bundled}, the one embedded-redis
   * ships for this OS and CPU (extracted to {@code bin/} in the data dir); anything else, the path
   * of a redis-server executable. The one on PATH runs by the name PATH gives it, never the file a
   * link resolves to: redis picks its mode by its name (Debian's redis-server links to redis-check-rdb).
   */
  private static Path binary(Path dataDir) throws IOException {
    String choice = System.getenv().getOrDefault(SERVER_ENV, "").strip();
    if (!List.of("", "auto", "path", "bundled").contains(choice)) {
      Path given = Path.of(choice).toAbsolutePath();
      if (!Files.isRegularFile(given) || !Files.isExecutable(given)) {
        throw new IOException(SERVER_ENV + "=" + choice + " is not an executable file (or use auto, path, bundled)");
      }
      LOG.info("using redis-server from {}: {}", SERVER_ENV, given);
      return given;
    }
    if (!choice.equals("bundled")) {
      try {
        Path onPath = ExecutableProvider.newExecutableInPath("redis-server").get().toPath().toAbsolutePath();
        LOG.info("using redis-server from PATH: {}", onPath);
        return onPath;
      } catch (IOException e) {
        if (choice.equals("path")) throw new IOException(SERVER_ENV + "=path but there is no redis-server on PATH", e);
      }
    }
    Path bin = Files.createDirectories(dataDir.resolve("bin"));
    try {
      Path bundled = ExecutableProvider.newJarResourceProvider(bin::toFile).get().toPath();
      LOG.info("using the redis-server bundled with embedded-redis, extracted to {}", bundled);
      return bundled;
    } catch (IOException | RuntimeException e) { // RuntimeException: no binary for this OS and CPU
      throw new IOException("no redis-server on PATH and none bundled for " + System.getProperty("os.name") + "/"
          + System.getProperty("os.arch") + " (" + e.getMessage() + "): install Redis or set REDIS_URL", e);
    }
  }
}
