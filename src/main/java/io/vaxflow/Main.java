package io.vaxflow;

import io.vaxflow.config.ConfigException;
import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.store.RedisLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Vaxflow: reads the config, starts the embedded Redis when none is configured, runs the server. With
 * {@code enrol <site> <role> [name]} it makes a one-time code that enrols a device of a site instead ({@link EnrolCommand}).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /**
   * Vert.x as the server runs it: Prometheus metrics (Vert.x's, the JVM's and ours) on {@code /metrics}, in a
   * registry of each Vert.x instance's own: servers sharing a JVM (as in the tests) each report their own
   * figures, as servers in their own processes do.
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setRegistryName("vaxflow-" + INSTANCES.incrementAndGet())
        .setJvmMetricsEnabled(true)
        .setEnabled(true));
  }

  public static void main(String[] args) {
    Map<String, String> env = new HashMap<>(System.getenv());
    if (List.of(args).contains("--simulate")) env.put("SIMULATE", "true");
    Path file = Path.of(env.getOrDefault("CONFIG", ConfigLoader.DEFAULT_FILE.toString()));
    VaxflowConfig config;
    try {
      config = ConfigLoader.load(file, env);
    } catch (ConfigException e) {
      System.err.println("Bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }

    if (args.length > 0 && args[0].equals("enrol")) {
      System.exit(EnrolCommand.run(config, env, List.of(args), System.out, System.err));
      return;
    }

    // outside demo mode an insecure default stops the server here, before anything starts (VaxflowServer.start refuses too)
    List<VaxflowConfig.Insecure> insecure = config.insecureDefaults();
    if (!config.demoMode() && !insecure.isEmpty()) {
      System.err.println("Vaxflow: " + new VaxflowServer.InsecureStart(insecure).getMessage());
      System.exit(2);
      return;
    }

    RedisLauncher embedded = null;
    String url = config.redis().url();
    if (config.redis().embedded()) {
      try {
        embedded = RedisLauncher.start(config.dataDir(), config.redis().appendfsync());
        url = embedded.url();
      } catch (Exception e) {
        System.err.println("Could not start the embedded Redis: " + e.getMessage());
        System.exit(3);
        return;
      }
    }

    Vertx vertx = Vertx.vertx(vertxOptions());
    RedisLauncher redis = embedded;
    VaxflowServer.start(vertx, config, url).onSuccess(server -> {
      LOG.info("Vaxflow is serving {} sites on http://localhost:{}/ (Redis {}{})", config.sites().size(), server.port(),
          redis == null ? "at " : "embedded at ", redis == null ? config.redis().url() : redis.url());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.stop().await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // exiting anyway
        }
      }, "vaxflow-stop"));
    }).onFailure(err -> {
      LOG.error("Vaxflow failed to start: {}", err.getMessage(), err);
      vertx.close();
      if (redis != null) redis.stop();
      System.exit(1);
    });
  }
}
