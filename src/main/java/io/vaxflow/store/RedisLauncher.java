package io.vaxflow.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: runs a real {@code redis-server} of the server's own — the one on
 * {@code PATH}, else the binary shipped inside {@code com.github.codemonstur:embedded-redis} — on a
 * loopback port, with append-only persistence ({@code appendfsync everysec}) in the data directory.
 * A JVM shutdown hook stops it on exit.
 *
 * <p>All methods block (process start, socket polling, waiting for exit): call them from
 * {@code main} or a worker thread, never from an event loop.
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

  /** Starts redis-server on a free loopback port with its data (and {@code redis.log}) in {@code dataDir}. */
  public static RedisLauncher start(Path dataDir) throws IOException {
    Path dir = prepare(dataDir);
    Path binary = binary(dir);
    IOException last = null;
    for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt++) {
      try {
        return launch(binary, dir, freePort());
      } catch (PortTakenException e) {
        last = e;
        LOG.warn("{}; trying another port", e.getMessage());
      }
    }
    throw last;
  }

  /** Starts redis-server on the given loopback port (e.g. to restart it on the same port and data). */
  public static RedisLauncher start(Path dataDir, int port) throws IOException {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    Path dir = prepare(dataDir);
    return launch(binary(dir), dir, port);
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return "redis://" + LOOPBACK + ":" + port;
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
      if (stopped) {
        return;
      }
      stopped = true;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | SecurityException e) {
      // JVM already shutting down (this may be the hook itself)
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        LOG.warn("redis-server on port {} did not stop within {} ms; killing it", port, STOP_TIMEOUT_MS);
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    LOG.info("redis-server on port {} stopped", port);
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      // nothing more to do at exit
    }
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

  /**
   * A redis-server left running on this data directory by an earlier server that was killed (its
   * shutdown hook never ran) would write the same append-only file as ours: stop it first. Its
   * pid is in redis.pid (written by redis), its port in redis.port (written by us). It is ours
   * when the process itself says so: on that port it answers INFO with that pid and CONFIG GET dir
   * with this directory. Where it does not answer, a Linux process whose working directory is this
   * one (redis chdirs to its dir) counts too. Never by the binary's name: Debian's
   * /usr/bin/redis-server is a link to redis-check-rdb. SIGTERM lets it flush the file first.
   */
  private static void stopLeftover(Path dir) throws IOException {
    Path pidFile = dir.resolve("redis.pid");
    if (!Files.exists(pidFile)) return;
    String text = Files.readString(pidFile).strip();
    Files.deleteIfExists(pidFile);
    if (!text.matches("[0-9]{1,10}")) return;
    long pid = Long.parseLong(text);
    java.util.Optional<ProcessHandle> old = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (old.isEmpty() || !servesDir(pid, recordedPort(dir), dir)) return;
    LOG.warn("stopping redis-server pid {} left running on {} by an earlier Vaxflow", text, dir);
    old.get().destroy();
    try {
      old.get().onExit().get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      old.get().destroyForcibly();
    }
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
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(LOOPBACK, port), 250);
        socket.setSoTimeout(1000);
        if (serverPid(socket) == pid) {
          return dir.equals(Path.of(configGet(socket, "dir")).toAbsolutePath().normalize());
        }
      } catch (IOException | RuntimeException e) {
        // no answer (e.g. hung): fall back to what the OS says
      }
    }
    try {
      return Files.isSameFile(Path.of("/proc", Long.toString(pid), "cwd"), dir);
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or not our process to look into
    }
  }

  private static RedisLauncher launch(Path binary, Path dir, int port) throws IOException {
    stopLeftover(dir);
    Path logFile = dir.resolve("redis.log");
    List<String> command = new ArrayList<>(List.of(
        binary.toString(),
        "--port", Integer.toString(port),
        "--bind", LOOPBACK,
        "--dir", dir.toString(),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--protected-mode", "yes",
        "--logfile", logFile.toString(),
        "--pidfile", dir.resolve("redis.pid").toString()));
    long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        // Errors before redis opens its log file (bad option, port in use) go to stdout/stderr.
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = pb.start();
    process.getOutputStream().close();
    RedisLauncher launcher = new RedisLauncher(process, port, dir, binary);
    try {
      awaitReady(process, port, logFile, logStart);
    } catch (IOException | RuntimeException e) {
      launcher.stopped = true;
      process.destroyForcibly();
      try {
        process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
    Files.writeString(dir.resolve(PORT_FILE), Integer.toString(port));
    Runtime.getRuntime().addShutdownHook(launcher.shutdownHook);
    LOG.info("redis-server {} (pid {}) listening on {}:{}, data in {}", binary, process.pid(), LOOPBACK, port, dir);
    return launcher;
  }

  /** Polls until our process answers PING with +PONG on the port; fails after 10 s or if it exits. */
  private static void awaitReady(Process process, int port, Path logFile, long logStart) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    String lastReply = "no connection";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String tail = tail(logFile, logStart);
        String msg = "redis-server exited with status " + process.exitValue() + " before it was ready on port "
            + port + "; " + logFile + ":\n" + tail;
        if (tail.contains("Address already in use")) {
          throw new PortTakenException("port " + port + " is already in use: " + msg);
        }
        throw new IOException(msg);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(LOOPBACK, port), 250);
        socket.setSoTimeout(1000);
        String reply = command(socket, "PING");
        if (reply.equals("+PONG")) {
          long pid = serverPid(socket);
          if (pid != -1 && pid != process.pid()
              && process.descendants().noneMatch(h -> h.pid() == pid)) {
            throw new PortTakenException("port " + port + " is already served by another redis-server (pid " + pid + ")");
          }
          return;
        }
        lastReply = reply; // e.g. -LOADING while the append-only file is replayed
      } catch (PortTakenException e) {
        throw e;
      } catch (IOException e) {
        lastReply = e.toString();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for redis-server on port " + port, e);
      }
    }
    throw new IOException("redis-server did not answer PING on port " + port + " within " + START_TIMEOUT_MS
        + " ms (last: " + lastReply + "); " + logFile + ":\n" + tail(logFile, logStart));
  }

  /** Sends one RESP command and returns the first reply line (without CRLF). */
  private static String command(Socket socket, String... args) throws IOException {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
    }
    OutputStream out = socket.getOutputStream();
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    return readLine(socket.getInputStream());
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        int n = in.read();
        if (n == '\n' || n == -1) {
          return sb.toString();
        }
        sb.append('\r').append((char) n);
      } else {
        sb.append((char) c);
      }
      if (sb.length() > 1 << 20) {
        throw new IOException("reply line too long");
      }
    }
    throw new IOException("connection closed");
  }

  /** The process_id from INFO server, or -1 if it cannot be read. */
  private static long serverPid(Socket socket) throws IOException {
    String header = command(socket, "INFO", "server");
    if (!header.startsWith("$")) {
      return -1;
    }
    int len = Integer.parseInt(header.substring(1));
    byte[] body = socket.getInputStream().readNBytes(len + 2);
    for (String line : new String(body, StandardCharsets.UTF_8).split("\r\n")) {
      if (line.startsWith("process_id:")) {
        try {
          return Long.parseLong(line.substring("process_id:".length()).strip());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** CONFIG GET of one parameter: its value. */
  private static String configGet(Socket socket, String name) throws IOException {
    String header = command(socket, "CONFIG", "GET", name);
    if (!header.equals("*2")) throw new IOException("CONFIG GET " + name + ": " + header);
    InputStream in = socket.getInputStream();
    bulk(in);
    return bulk(in);
  }

  private static String bulk(InputStream in) throws IOException {
    String header = readLine(in);
    if (!header.startsWith("$")) throw new IOException("not a bulk string: " + header);
    int len = Integer.parseInt(header.substring(1));
    byte[] b = in.readNBytes(len + 2);
    return new String(b, 0, Math.min(len, b.length), StandardCharsets.UTF_8);
  }

  private static String tail(Path logFile, long from) {
    try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
      long len = f.length();
      long start = Math.max(from, len - LOG_TAIL_BYTES);
      if (start >= len) {
        return "(empty)";
      }
      byte[] buf = new byte[(int) (len - start)];
      f.seek(start);
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(cannot read: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return s.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- finding the binary

  /**
   * Which redis-server runs, by {@code REDIS_SERVER}: unset or {@code auto}, the one on PATH else
   * the bundled one; {@code path}, the one on PATH only; {@code bundled}, the bundled one only;
   * anything else, the path of a redis-server executable.
   */
  private static Path binary(Path dataDir) throws IOException {
    String choice = System.getenv().getOrDefault(SERVER_ENV, "").strip();
    if (!choice.isEmpty() && !choice.equals("auto") && !choice.equals("path") && !choice.equals("bundled")) {
      Path given = Path.of(choice).toAbsolutePath();
      if (!Files.isRegularFile(given) || !Files.isExecutable(given)) {
        throw new IOException(SERVER_ENV + "=" + choice + " is not an executable file (or use auto, path, bundled)");
      }
      LOG.info("using redis-server from {}: {}", SERVER_ENV, given);
      return given;
    }
    Path onPath = choice.equals("bundled") ? null : findOnPath();
    if (onPath != null) {
      LOG.info("using redis-server from PATH: {}", onPath);
      return onPath;
    }
    if (choice.equals("path")) {
      throw new IOException(SERVER_ENV + "=path but there is no redis-server on PATH");
    }
    String resource = bundledResource();
    Path target = dataDir.resolve("bin").resolve(isWindows() ? "redis-server.exe" : "redis-server");
    extract(resource, target);
    LOG.info("using redis-server bundled with embedded-redis ({}), extracted to {}", resource.substring(1), target);
    return target;
  }

  private static Path findOnPath() {
    String path = System.getenv("PATH");
    if (path == null || path.isBlank()) {
      return null;
    }
    List<String> names = isWindows() ? List.of("redis-server.exe", "redis-server") : List.of("redis-server");
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      for (String name : names) {
        try {
          Path candidate = Path.of(entry).resolve(name);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return candidate.toAbsolutePath();
          }
        } catch (RuntimeException e) {
          // a malformed PATH entry: skip it
        }
      }
    }
    return null;
  }

  /** The classpath resource of the redis-server binary for this OS and CPU. */
  static String bundledResource() throws IOException {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    boolean x86 = arch.equals("x86") || arch.equals("i386") || arch.equals("i486") || arch.equals("i586") || arch.equals("i686");
    if (os.contains("linux")) {
      if (x64) {
        return "/redis-server-6.2.6-v5-linux-amd64";
      }
      if (arm64) {
        return "/redis-server-6.2.7-linux-arm64";
      }
      if (x86) {
        return "/redis-server-6.2.7-linux-386";
      }
    } else if (os.contains("mac") || os.contains("darwin")) {
      if (x64) {
        return "/redis-server-6.2.6-v5-darwin-amd64";
      }
      if (arm64) {
        return "/redis-server-6.2.6-v5-darwin-arm64";
      }
    } else if (os.contains("windows") && x64) {
      return "/redis-server-5.0.14.1-windows-amd64.exe";
    }
    throw new IOException("no redis-server on PATH and no bundled binary for " + os + "/" + arch
        + ": install Redis or set REDIS_URL");
  }

  private static void extract(String resource, Path target) throws IOException {
    URL url = RedisLauncher.class.getResource(resource);
    if (url == null) {
      throw new IOException("no redis-server on PATH and resource " + resource
          + " not on the classpath (com.github.codemonstur:embedded-redis): install Redis or set REDIS_URL");
    }
    URLConnection conn = url.openConnection();
    conn.setUseCaches(false);
    long size = conn.getContentLengthLong();
    if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
      conn.getInputStream().close();
      makeExecutable(target);
      return;
    }
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), "redis-server", ".tmp");
    try (InputStream in = conn.getInputStream()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      makeExecutable(tmp);
      try {
        // A new inode: a redis-server still running from the old file is not disturbed.
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    makeExecutable(target);
  }

  private static void makeExecutable(Path file) throws IOException {
    if (!Files.isExecutable(file) && !file.toFile().setExecutable(true, false)) {
      throw new IOException("cannot make " + file + " executable");
    }
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("windows");
  }

  @Override
  public String toString() {
    return "RedisLauncher[" + url() + ", " + dataDir + "]";
  }
}
