package io.vaxflow.support;

import io.vaxflow.EnrolCommand;
import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.VaxflowConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A site's devices as tests enrol them, the way people do (gateway/Devices): a manager makes a one-time code on the
 * dashboard's API, the device redeems it and keeps its {@code vf_device} cookie. A device elsewhere than the
 * server's own computer comes through the trusted loopback proxy with {@code X-Forwarded-For} (gateway/Forwarded),
 * so in a demo city it is not the demo's local computer. A city with no enrolled tablet yet gets its first one from
 * the operator's enrol command ({@link #operatorCode}).
 */
public final class DeviceKit {

  public static final String COOKIE = "vf_device=";
  private static final Pattern CODE = Pattern.compile(": ([0-9A-Z]{4}-[0-9A-Z]{4})$", Pattern.MULTILINE);

  private DeviceKit() {}

  /** An enrolled device: its id, its address (as the proxy reports it) and its Cookie header ("vf_device=…"). */
  public record Device(String id, String address, String cookie) {
    /** Its cookie with a staff member's cookies beside it (a tablet someone signed in on). */
    public String with(String staffCookie) {
      return staffCookie == null ? cookie : cookie + "; " + staffCookie;
    }

    /** The headers of a request it sends. */
    public Map<String, String> headers() {
      return from(address);
    }
  }

  /** The headers of a request from {@code address}, behind the trusted (loopback) proxy. */
  public static Map<String, String> from(String address) {
    return Map.of("X-Forwarded-For", address);
  }

  /** A device of the site enrolled for the role by its manager (their session cookie), at {@code address}. */
  public static Device enrol(TestCity city, String manager, String site, String role, String name, String address) {
    return redeem(city, site, code(city, manager, site, role, name), address);
  }

  /** A manager's one-time code for a device of the site. */
  public static String code(TestCity city, String manager, String site, String role, String name) {
    TestCity.Reply r = city.post("/api/v1/sites/" + site + "/devices/codes", manager, new JsonObject().put("role", role).put("name", name));
    if (r.status() != 201) throw new AssertionError("code for a " + role + ": " + r.status() + " " + r.body());
    return r.json().getString("code");
  }

  /** The device at {@code address} redeems the code. */
  public static Device redeem(TestCity city, String site, String code, String address) {
    TestCity.Reply r = city.send(HttpMethod.POST, "/api/v1/sites/" + site + "/devices/enrol", null, from(address),
        new JsonObject().put("code", code).toBuffer());
    if (r.status() != 201) throw new AssertionError("enrol with " + code + ": " + r.status() + " " + r.body());
    return new Device(r.json().getJsonObject("device").getString("id"), address, cookie(r.headers().getAll("Set-Cookie")));
  }

  /** "vf_device=…" from a response's Set-Cookie headers. */
  public static String cookie(List<String> setCookies) {
    for (String c : setCookies) {
      if (c.startsWith(COOKIE)) return c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
    }
    throw new AssertionError("no " + COOKIE + " cookie in " + setCookies);
  }

  /** Signs a staff member in on the tablet: its cookie and the session's, as the tablet then sends them. */
  public static String login(TestCity city, Device tablet, String staffId, String pin) {
    TestCity.Reply r = city.send(HttpMethod.POST, "/api/v1/auth/login", tablet.cookie(), tablet.headers(),
        new JsonObject().put("staffId", staffId).put("pin", pin).toBuffer());
    if (r.status() != 200) throw new AssertionError("login " + staffId + " on tablet " + tablet.id() + ": " + r.status() + " " + r.body());
    return tablet.with(StaffCookies.cookieHeader(r.headers().getAll("Set-Cookie")));
  }

  /**
   * The operator's bootstrap: {@code java -jar vaxflow.jar enrol <site> <role>} against the city's Redis, found as the
   * command finds an embedded one (the port the city's redis-server recorded in its data directory). The code printed.
   */
  public static String operatorCode(TestCity city, String site, String role) {
    return operator(city, site, role).code();
  }

  /** What the enrol command printed, and the code in it. */
  public record Printed(int status, String out, String err, String code) {}

  public static Printed operator(TestCity city, String site, String role) {
    Map<String, String> env = new HashMap<>(TestPins.overrides(Path.of("config/vaxflow.yaml")));
    env.put("DATA_DIR", city.redis.dataDir().toString());
    env.put("PUBLIC_URL", "http://127.0.0.1:" + city.port());
    VaxflowConfig config = ConfigLoader.load(Path.of("config/vaxflow.yaml"), env);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = EnrolCommand.run(config, env, List.of("enrol", site, role), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    Matcher m = CODE.matcher(printed.lines().findFirst().orElse(""));
    return new Printed(status, printed, err.toString(StandardCharsets.UTF_8), m.find() ? m.group(1) : null);
  }
}
