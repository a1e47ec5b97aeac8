package io.vaxflow.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the servers of this JVM log while it is open: the server's logger (slf4j-simple) writes to {@code System.err}
 * as it is at each line, so the lines are copied here (and still shown). Close it to stop. A test that asserts what
 * is logged (a warning at start, one line per problem rather than one per request) reads {@link #text}.
 */
public final class ServerLog implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  private ServerLog() {
    System.setErr(new PrintStream(new Tee(original, copy), true, StandardCharsets.UTF_8));
  }

  public static ServerLog capture() {
    return new ServerLog();
  }

  /** Everything logged since {@link #capture}. */
  public String text() {
    synchronized (copy) {
      return copy.toString(StandardCharsets.UTF_8);
    }
  }

  /** How many lines logged since {@link #capture} contain {@code s}. */
  public long lines(String s) {
    return text().lines().filter(l -> l.contains(s)).count();
  }

  @Override
  public void close() {
    System.setErr(original);
  }

  /** Writes to both. */
  private static final class Tee extends OutputStream {
    private final OutputStream shown;
    private final ByteArrayOutputStream kept;

    Tee(OutputStream shown, ByteArrayOutputStream kept) {
      this.shown = shown;
      this.kept = kept;
    }

    @Override
    public void write(int c) throws IOException {
      shown.write(c);
      synchronized (kept) {
        kept.write(c);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      shown.write(b, off, len);
      synchronized (kept) {
        kept.write(b, off, len);
      }
    }
  }
}
