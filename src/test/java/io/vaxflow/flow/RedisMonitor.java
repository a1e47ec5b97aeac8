package io.vaxflow.flow;

import io.vaxflow.support.TestCity;
import io.vertx.redis.client.Command;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Watches a test city's Redis with MONITOR, to count the commands clients send (round trips).
 * INFO commandstats cannot tell those apart: it also counts every command a Lua script runs
 * inside Redis. MONITOR tags a script's own commands with "lua", so they can be left out.
 * Windows are marked with ECHO commands sent through the test's own Redis connection.
 */
final class RedisMonitor implements AutoCloseable {

  /** One command as MONITOR reports it: who sent it ("lua" for a script), its name and arguments. */
  record Seen(String source, String name, List<String> args) {
    boolean fromScript() {
      return source.equals("lua");
    }

    /** The stream tail's XREAD BLOCK: the live feed, not part of any request. */
    boolean streamTail() {
      return name.equals("xread") && args.stream().anyMatch(a -> a.equalsIgnoreCase("BLOCK"));
    }

    /**
     * The state publisher's snapshot: the announcer reads the site's snapshot (as "public", with
     * every station id in its arguments) whenever the stream shows a change, coalesced; a live feed, like the tail.
     */
    boolean statePublisher() {
      return name.equals("evalsha") && evalshaActor().equals("public")
          && args.get(args.size() - 1).contains("\"stations\":[") && args.get(args.size() - 1).contains("\"door-1\"");
    }

    /**
     * The built-in appointment registry reading an appointment: a stand-in, on its own port, for
     * the city's remote registry that check-in asks about a voucher; not the check-in's own store.
     */
    boolean registryLookup() {
      return name.equals("hgetall") && !args.isEmpty() && args.get(0).matches("vf:\\{[a-z0-9-]+\\}:appt:[A-Z0-9]+");
    }

    /** ARGV[3] of a script run with EVALSHA: the actor (kiosk, a staff id, system, public). */
    String evalshaActor() {
      if (!name.equals("evalsha") || args.size() < 2 || !args.get(1).matches("[0-9]+")) return "";
      int actor = 2 + Integer.parseInt(args.get(1)) + 2; // sha, numkeys, KEYS..., now, day, actor
      return actor < args.size() ? args.get(actor) : "";
    }
  }

  private final TestCity city;
  private final Socket socket;
  private final List<Seen> seen = new ArrayList<>();
  private final Thread reader;

  RedisMonitor(TestCity city) throws IOException {
    this.city = city;
    this.socket = new Socket("127.0.0.1", city.redis.port());
    OutputStream out = socket.getOutputStream();
    out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    String ok = in.readLine();
    if (!"+OK".equals(ok)) throw new IOException("MONITOR answered " + ok);
    reader = new Thread(() -> {
      try {
        for (String line; (line = in.readLine()) != null; ) {
          Seen s = parse(line);
          if (s != null) {
            synchronized (seen) {
              seen.add(s);
              seen.notifyAll();
            }
          }
        }
      } catch (IOException ignored) {
        // closed
      }
    }, "redis-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * What Redis saw while {@code work} ran: every command in MONITOR order between two INFO
   * commandstats reads, and how many EVALSHA calls commandstats counted between those same reads.
   */
  record Measurement(List<Seen> window, long evalshaCalls) {}

  Measurement measure(Runnable work) {
    String marker = "vf-window-" + UUID.randomUUID();
    city.redis(Command.ECHO, marker + "-begin");
    long before = city.commandCalls("evalsha");
    work.run();
    long after = city.commandCalls("evalsha");
    city.redis(Command.ECHO, marker + "-end");
    return new Measurement(window(marker), after - before);
  }

  /** The commands between the two INFO reads inside the window's ECHO markers. */
  private List<Seen> window(String marker) {
    long until = System.currentTimeMillis() + 10_000;
    synchronized (seen) {
      while (true) {
        int from = -1, to = -1;
        for (int i = 0; i < seen.size(); i++) {
          Seen s = seen.get(i);
          if (s.name().equals("echo") && !s.args().isEmpty()) {
            if (s.args().get(0).equals(marker + "-begin")) from = i;
            if (s.args().get(0).equals(marker + "-end")) to = i;
          }
        }
        if (from >= 0 && to > from) {
          String me = seen.get(from).source();
          int infoBefore = -1, infoAfter = -1;
          for (int i = from + 1; i < to && infoBefore < 0; i++) {
            if (seen.get(i).name().equals("info") && seen.get(i).source().equals(me)) infoBefore = i;
          }
          for (int i = to - 1; i > from && infoAfter < 0; i--) {
            if (seen.get(i).name().equals("info") && seen.get(i).source().equals(me)) infoAfter = i;
          }
          if (infoBefore < 0 || infoAfter <= infoBefore) throw new AssertionError("no INFO reads inside window " + marker);
          return new ArrayList<>(seen.subList(infoBefore + 1, infoAfter));
        }
        long left = until - System.currentTimeMillis();
        if (left <= 0) throw new AssertionError("MONITOR never showed window " + marker);
        try {
          seen.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /** {@code 1700000000.123456 [0 127.0.0.1:5000] "evalsha" "abc" "1"} (with a leading '+'). */
  static Seen parse(String line) {
    int open = line.indexOf(" [");
    int close = line.indexOf("] ", open);
    if (!line.startsWith("+") || open < 0 || close < 0) return null;
    String src = line.substring(open + 2, close);
    String source = src.substring(src.indexOf(' ') + 1);
    List<String> tokens = new ArrayList<>();
    StringBuilder b = null;
    for (int i = close + 2; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (b == null) {
        if (ch == '"') b = new StringBuilder();
      } else if (ch == '\\' && i + 1 < line.length()) {
        b.append(line.charAt(++i));
      } else if (ch == '"') {
        tokens.add(b.toString());
        b = null;
      } else {
        b.append(ch);
      }
    }
    if (tokens.isEmpty()) return null;
    return new Seen(source, tokens.get(0).toLowerCase(Locale.ROOT), tokens.subList(1, tokens.size()));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
