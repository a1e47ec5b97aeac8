package io.vaxflow;

import io.vaxflow.config.RateClock;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Actor;
import io.vaxflow.gateway.DeviceRole;
import io.vaxflow.gateway.Devices;
import io.vaxflow.gateway.Sessions;
import io.vaxflow.store.RedisDeployment;
import io.vaxflow.store.RedisLauncher;
import io.vaxflow.store.Scripts;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operator's way in for a site with no enrolled tablet yet (the first manager's): a one-time code for a device
 * of the site, written into the city's Redis and printed.
 * <pre>
 *   java -jar target/vaxflow.jar enrol pudong tablet ["Manager's tablet"]
 * </pre>
 * It reaches the Redis of the config (REDIS_URL), or the embedded one a server runs on the same data directory (its
 * port recorded in {@code <dataDir>/redis.port}): run it beside the server, as the user that runs it.
 */
public final class EnrolCommand {

  private EnrolCommand() {}

  /** Runs {@code enrol <site> <role> [name]}; the exit status. */
  public static int run(VaxflowConfig config, Map<String, String> env, List<String> args, PrintStream out, PrintStream err) {
    if (args.size() < 3 || args.size() > 4) {
      err.println("usage: java -jar vaxflow.jar enrol <site> <kiosk|hall|tablet> [name]");
      return 2;
    }
    String site = args.get(1);
    if (config.site(site).isEmpty()) {
      err.println("no site " + site + " is run here (sites: " + String.join(", ", config.sites().stream().map(s -> s.id()).toList()) + ")");
      return 2;
    }
    Optional<DeviceRole> role = DeviceRole.of(args.get(2));
    if (role.isEmpty()) {
      err.println("the role is kiosk, hall or tablet, not " + args.get(2));
      return 2;
    }
    Optional<String> url = config.redis().embedded() ? RedisLauncher.runningUrl(config.dataDir()) : Optional.of(config.redis().url());
    if (url.isEmpty()) {
      err.println("no Redis: set REDIS_URL, or start the server first (its embedded Redis records its port in "
          + config.dataDir().resolve("redis.port") + ")");
      return 3;
    }
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, RedisDeployment.options(config.redis(), url.get()));
    try {
      Scripts scripts = new Scripts(redis, config.redis().timeoutMs());
      Devices devices = new Devices(scripts, config, RateClock.of(config), new Sessions(scripts, config));
      Devices.EnrolmentCode code = devices.code(site, role.get(), Optional.ofNullable(args.size() == 4 ? args.get(3) : null),
          Actor.of(Devices.OPERATOR)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      String base = env.getOrDefault("PUBLIC_URL", "http://<this server>:" + config.http().port()).replaceAll("/+$", "");
      String until = DateTimeFormatter.ofPattern("HH:mm").format(ZonedDateTime.now(config.timeZone()).plus(Devices.CODE_TTL));
      out.println("Enrolment code for a " + role.get().wire() + " of " + site + " (\"" + code.name() + "\"): " + code.code());
      out.println("Valid once, for " + Duration.ofMillis(Devices.CODE_TTL.toMillis()).toMinutes() + " minutes (until about " + until + ").");
      out.println("On the device, open " + base + "/sites/" + site + "/enrol and type it, or open "
          + base + "/sites/" + site + "/enrol?code=" + code.code());
      return 0;
    } catch (Exception e) {
      err.println("could not write the code into Redis at " + url.get() + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      return 1;
    } finally {
      redis.close();
      vertx.close();
    }
  }
}
