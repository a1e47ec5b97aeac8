package io.vaxflow.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What each test class costs: its wall time and the CPU of its JVM and of every process it
 * started (Redis, servers, Chromium), appended to {@code target/test-costs.csv} as
 * {@code class,wallSeconds,cpuSeconds,finishedAtEpochSecond} (the file outlives a run: the latest
 * line of a class is its figure). On a 2-core machine the suite's wall time is bounded by
 * its CPU: a class that waits costs little, one that computes costs its CPU whatever the forks.
 * Registered for every class (src/test/resources/META-INF/services, junit-platform.properties);
 * {@code .ci/test-times} prints the figures. Each fork runs one class at a time, so the JVM's CPU
 * is the class's.
 */
public final class ClassCost implements BeforeAllCallback, AfterAllCallback {

  private static final Path FILE = Path.of("target", "test-costs.csv");
  private static final ExtensionContext.Namespace HERE = ExtensionContext.Namespace.create(ClassCost.class);

  private record Start(long nanos, double cpu) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(HERE).put("start", new Start(System.nanoTime(), treeCpuSeconds()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Start start = context.getStore(HERE).get("start", Start.class);
    if (start == null) return;
    String line = String.format(Locale.ROOT, "%s,%.1f,%.1f,%d%n", context.getRequiredTestClass().getName(),
        (System.nanoTime() - start.nanos()) / 1e9, treeCpuSeconds() - start.cpu(), System.currentTimeMillis() / 1000);
    try {
      Files.createDirectories(FILE.getParent());
      // one short append per class: whole lines even with forks writing at once
      Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // a missing figure fails no test
    }
  }

  /** CPU seconds of this JVM, of the processes it reaped, and of its live descendants (Linux /proc; 0 elsewhere). */
  static double treeCpuSeconds() {
    ProcessHandle me = ProcessHandle.current();
    long ticks = ticks(me.pid());
    for (ProcessHandle child : me.descendants().toList()) ticks += ticks(child.pid());
    return ticks / 100.0;
  }

  /** utime + stime + cutime + cstime of a process, in clock ticks (USER_HZ, 100 on Linux). */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }
}
