package io.vaxflow.config;

import io.vaxflow.security.PinHash;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads {@code config/vaxflow.yaml}, applies environment overrides and builds a validated
 * {@link VaxflowConfig}. Every problem is a {@link ConfigException} naming the file, the key and the
 * reason, so a bad config fails at start, not at the first patient.
 *
 * <p>Environment overrides (variable names match case-insensitively; blank values are ignored):
 * <ul>
 *   <li>{@code HTTP_PORT} → http.port, {@code REDIS_URL} → redis.url, {@code REDIS_TYPE} → redis.type,
 *       {@code REDIS_MASTER} → redis.master, {@code REDIS_WAIT_REPLICAS} → redis.waitReplicas, {@code DATA_DIR} → dataDir,
 *       {@code VOUCHER_SECRET} → voucherSecret, {@code CLOCK} → clock, {@code SIMULATE} → simulate;
 *   <li>{@code VAXFLOW_<PATH>}: any value by its path in upper case with dots (and dashes) as
 *       underscores, e.g. {@code VAXFLOW_FLOW_LEASESEC=30}, {@code VAXFLOW_ANNOUNCE_REPEATS=2}; list
 *       entries by id (sites, staff) or index, e.g. {@code VAXFLOW_SITES_XUHUI_HALLCAPACITY=80},
 *       {@code VAXFLOW_STAFF_DESK_SITES=xuhui,jingan}.
 * </ul>
 * The short names win over the {@code VAXFLOW_} form. A {@code VAXFLOW_} variable whose first part
 * names a config section but which matches no value (say, a site id that does not exist) is an
 * error; other {@code VAXFLOW_} variables are not config and are ignored. An error in a value that
 * came from the environment names the variable as its key.
 */
public final class ConfigLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** Where the config is read from unless {@code CONFIG} says otherwise. */
  public static final Path DEFAULT_FILE = Path.of("config", "vaxflow.yaml");

  private static final String GENERIC_PREFIX = "VAXFLOW_";

  /** Short environment variables and the path each sets. */
  private static final Map<String, String> NAMED_ENV = namedEnv();

  private static final Pattern SITE_ID = Pattern.compile("[a-z][a-z0-9-]{1,31}");
  private static final Pattern SITE_CODE = Pattern.compile("[A-Z]{2}");
  private static final Pattern STAFF_ID = Pattern.compile("[a-z][a-z0-9_-]{1,31}");
  private static final Pattern LANG = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("H:mm");

  // ---------------------------------------------------------------- schema (known keys)

  private sealed interface Node permits Leaf, Obj, Items, LangMap {}

  /** A scalar or a list of scalars (roles, sites). */
  private record Leaf() implements Node {}

  private record Obj(Map<String, Node> fields) implements Node {}

  /** A list of objects, addressed from the environment by their {@code id} or index. */
  private record Items(Obj element) implements Node {}

  /** A map from language ({@code zh}, {@code en}) to text. */
  private record LangMap() implements Node {}

  private static final Leaf LEAF = new Leaf();
  private static final LangMap LANG_MAP = new LangMap();

  private static Obj obj(Object... nameThenNode) {
    Map<String, Node> fields = new LinkedHashMap<>();
    for (int i = 0; i < nameThenNode.length; i += 2) {
      fields.put((String) nameThenNode[i], (Node) nameThenNode[i + 1]);
    }
    return new Obj(Collections.unmodifiableMap(fields));
  }

  private static final Obj SITE = obj(
      "id", LEAF, "code", LEAF, "name", LANG_MAP, "address", LANG_MAP, "lat", LEAF, "lon", LEAF,
      "walkIns", LEAF, "hours", obj("open", LEAF, "close", LEAF), "slotMin", LEAF, "remote", LEAF,
      "slotCapacity", LEAF, "hallCapacity", LEAF, "roomCapacity", LEAF, "doors", LEAF,
      "desks", LEAF, "booths", LEAF);

  private static final Obj COMMUNITY = obj("name", LANG_MAP, "lat", LEAF, "lon", LEAF);

  private static final Obj STAFF = obj(
      "id", LEAF, "name", LEAF, "pinHash", LEAF, "roles", LEAF, "sites", LEAF);

  private static final Obj BUCKET = obj("rate", LEAF, "burst", LEAF);

  private static final Obj ROOT = obj(
      "http", obj("host", LEAF, "port", LEAF, "bodyLimitBytes", LEAF, "idleTimeoutSec", LEAF,
          "requestTimeoutMs", LEAF, "trustedProxies", LEAF),
      "redis", obj("type", LEAF, "url", LEAF, "master", LEAF, "waitReplicas", LEAF, "poolSize", LEAF, "timeoutMs", LEAF),
      "dataDir", LEAF,
      "voucherSecret", LEAF,
      "clock", LEAF,
      "timeZone", LEAF,
      "simulate", LEAF,
      "announce", obj("repeats", LEAF, "intervalSec", LEAF),
      "flow", obj(
          "arrivalTimeoutSec", LEAF, "leaseSec", LEAF, "observationSec", LEAF,
          "priorityInARow", LEAF, "checkinEarlyMin", LEAF, "tickMs", LEAF,
          "deskServiceMin", LEAF, "boothServiceMin", LEAF),
      "limits", obj(
          "kiosk", BUCKET, "site", BUCKET, "booking", BUCKET, "lookup", BUCKET, "login", BUCKET,
          "loginFailures", LEAF, "lockoutSec", LEAF, "bookings", BUCKET, "bookingQueueSec", LEAF),
      "registry", obj("url", LEAF, "port", LEAF, "timeoutMs", LEAF, "breakerFailures", LEAF, "breakerResetMs", LEAF),
      "remote", obj("pollMs", LEAF, "timeoutMs", LEAF, "breakerFailures", LEAF, "breakerResetMs", LEAF),
      "sites", new Items(SITE),
      "communities", new Items(COMMUNITY),
      "staff", new Items(STAFF));

  private static Map<String, String> namedEnv() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("HTTP_PORT", "http.port");
    m.put("REDIS_URL", "redis.url");
    m.put("REDIS_TYPE", "redis.type");
    m.put("REDIS_MASTER", "redis.master");
    m.put("REDIS_WAIT_REPLICAS", "redis.waitReplicas");
    m.put("DATA_DIR", "dataDir");
    m.put("VOUCHER_SECRET", "voucherSecret");
    m.put("CLOCK", "clock");
    m.put("SIMULATE", "simulate");
    return Collections.unmodifiableMap(m);
  }

  // ---------------------------------------------------------------- entry points

  /** Loads {@code file} with overrides from the process environment. */
  public static VaxflowConfig load(Path file) {
    return load(file, System.getenv());
  }

  /**
   * Loads and validates {@code file}, applying overrides from {@code env}.
   *
   * @throws ConfigException naming file, key and reason for any problem
   */
  public static VaxflowConfig load(Path file, Map<String, String> env) {
    ConfigLoader loader = new ConfigLoader(file);
    Map<String, Object> root = loader.parse(file);
    loader.checkKeys(ROOT, root, "");
    loader.applyEnv(env == null ? Map.of() : env, root);
    if (!loader.fromEnv.isEmpty()) {
      LOG.info("{}: {} value(s) set from the environment: {}", loader.fileName, loader.fromEnv.size(),
          String.join(", ", loader.fromEnv.keySet()));
    }
    return loader.build(root);
  }

  private final String fileName;
  /** Config path → the environment variable that set it. */
  private final Map<String, String> fromEnv = new HashMap<>();

  private ConfigLoader(Path file) {
    this.fileName = file.toString();
  }

  // ---------------------------------------------------------------- parsing

  /** YAML 1.1 without sexagesimal numbers, so {@code 17:00} stays the text "17:00". */
  private static final class NoSexagesimalResolver extends Resolver {
    private static final Pattern SEXAGESIMAL =
        Pattern.compile("[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?");

    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
      if (kind == NodeId.scalar && implicit && value != null && SEXAGESIMAL.matcher(value).matches()) {
        return Tag.STR;
      }
      return super.resolve(kind, value, implicit);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> parse(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setCodePointLimit(4 * 1024 * 1024);
    DumperOptions dumper = new DumperOptions();
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options,
        new NoSexagesimalResolver());
    if (Files.isDirectory(file)) {
      throw new ConfigException(fileName, "(file)", "is a directory, not a file");
    }
    Object doc;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      doc = yaml.load(in);
    } catch (NoSuchFileException e) {
      throw new ConfigException(fileName, "(file)", "not found");
    } catch (MarkedYAMLException e) {
      throw new ConfigException(fileName, "(syntax)", describe(e), e);
    } catch (YAMLException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CharacterCodingException) {
        throw new ConfigException(fileName, "(syntax)", "not valid UTF-8", e);
      }
      if (cause instanceof IOException io) {
        throw new ConfigException(fileName, "(file)", "cannot be read: " + io.getMessage(), e);
      }
      throw new ConfigException(fileName, "(syntax)", String.valueOf(e.getMessage()), e);
    } catch (IOException e) {
      throw new ConfigException(fileName, "(file)", "cannot be read: " + e, e);
    }
    if (doc == null) {
      return new LinkedHashMap<>();
    }
    if (!(doc instanceof Map)) {
      throw new ConfigException(fileName, "(root)", "must be a mapping of keys to values");
    }
    return (Map<String, Object>) doc;
  }

  private static String describe(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    StringBuilder sb = new StringBuilder();
    if (mark != null) {
      sb.append("line ").append(mark.getLine() + 1).append(", column ").append(mark.getColumn() + 1).append(": ");
    }
    String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
    sb.append(problem == null ? "invalid YAML" : problem.strip());
    if (e.getContext() != null && e.getProblem() != null) {
      sb.append(" (").append(e.getContext().strip());
      Mark ctx = e.getContextMark();
      if (ctx != null && mark != null && ctx.getLine() != mark.getLine()) {
        sb.append(" at line ").append(ctx.getLine() + 1);
      }
      sb.append(')');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- unknown keys

  private void checkKeys(Node node, Object data, String path) {
    if (data == null) {
      return;
    }
    if (node instanceof Obj o) {
      if (!(data instanceof Map<?, ?> map)) {
        return; // reported with the right wording when the value is read
      }
      for (Object k : map.keySet()) {
        String key = String.valueOf(k);
        String keyPath = join(path, key);
        if (!(k instanceof String) || !o.fields().containsKey(key)) {
          String hint = "";
          for (String f : o.fields().keySet()) {
            if (f.equalsIgnoreCase(key)) {
              hint = " (did you mean " + f + "?)";
            }
          }
          if (hint.isEmpty()) {
            hint = " (known: " + String.join(", ", o.fields().keySet()) + ")";
          }
          throw new ConfigException(fileName, keyPath, "unknown key" + hint);
        }
        checkKeys(o.fields().get(key), map.get(k), keyPath);
      }
    } else if (node instanceof Items items && data instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkKeys(items.element(), list.get(i), path + "[" + i + "]");
      }
    } else if (node instanceof LangMap && data instanceof Map<?, ?> map) {
      for (Object k : map.keySet()) {
        if (!(k instanceof String s) || !LANG.matcher(s).matches()) {
          throw new ConfigException(fileName, join(path, String.valueOf(k)),
              "unknown key (expected a language code such as zh or en)");
        }
      }
    }
  }

  // ---------------------------------------------------------------- environment overrides

  private void applyEnv(Map<String, String> env, Map<String, Object> root) {
    // Deterministic order: generic form first (sorted), then the short names, which win.
    Map<String, String> generic = new TreeMap<>();
    Map<String, Map.Entry<String, String>> named = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || e.getValue().isBlank()) {
        continue;
      }
      String upper = e.getKey().toUpperCase(Locale.ROOT);
      if (upper.startsWith(GENERIC_PREFIX) && upper.length() > GENERIC_PREFIX.length()) {
        generic.put(e.getKey(), e.getValue());
      } else if (NAMED_ENV.containsKey(upper)) {
        named.put(upper, e);
      }
    }
    for (Map.Entry<String, String> e : generic.entrySet()) {
      String var = e.getKey();
      List<String> tokens = List.of(var.substring(GENERIC_PREFIX.length()).toUpperCase(Locale.ROOT).split("_", -1));
      List<Object> steps = tokens.contains("") ? null : resolve(ROOT, root, tokens, 0);
      if (steps == null) {
        if (namesSection(tokens)) {
          throw new ConfigException(fileName, var,
              "names no config value (check the key, and the id for sites and staff)");
        }
        LOG.debug("{} is not a config override; ignored", var);
        continue;
      }
      set(root, steps, e.getValue().strip(), var);
    }
    for (String upper : NAMED_ENV.keySet()) {
      Map.Entry<String, String> e = named.get(upper);
      if (e != null) {
        List<Object> steps = List.of((Object[]) NAMED_ENV.get(upper).split("\\."));
        set(root, steps, e.getValue().strip(), e.getKey());
      }
    }
  }

  private static boolean namesSection(List<String> tokens) {
    for (String field : ROOT.fields().keySet()) {
      List<String> parts = List.of(norm(field).split("_"));
      if (tokens.size() >= parts.size() && tokens.subList(0, parts.size()).equals(parts)) {
        return true;
      }
    }
    return false;
  }

  private static String norm(String s) {
    return s.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /**
   * The steps (map keys as String, list indices as Integer) that {@code tokens[i..]} names under
   * {@code node}, or null. Tries the longest match first and backtracks, so ids with dashes work.
   */
  private static List<Object> resolve(Node node, Object data, List<String> tokens, int i) {
    int n = tokens.size();
    if (node instanceof Leaf) {
      return i == n ? new ArrayList<>() : null;
    }
    if (i == n) {
      return null;
    }
    if (node instanceof LangMap) {
      if (i != n - 1) {
        return null;
      }
      String lang = tokens.get(i).toLowerCase(Locale.ROOT);
      if (data instanceof Map<?, ?> map) {
        for (Object k : map.keySet()) {
          if (String.valueOf(k).equalsIgnoreCase(lang)) {
            lang = String.valueOf(k);
          }
        }
      }
      List<Object> steps = new ArrayList<>();
      steps.add(lang);
      return steps;
    }
    if (node instanceof Obj o) {
      Map<?, ?> map = data instanceof Map<?, ?> m ? m : Map.of();
      for (int k = n; k > i; k--) {
        String candidate = String.join("_", tokens.subList(i, k));
        for (Map.Entry<String, Node> f : o.fields().entrySet()) {
          if (norm(f.getKey()).equals(candidate)) {
            List<Object> rest = resolve(f.getValue(), map.get(f.getKey()), tokens, k);
            if (rest != null) {
              rest.add(0, f.getKey());
              return rest;
            }
          }
        }
      }
      return null;
    }
    if (node instanceof Items items) {
      List<?> list = data instanceof List<?> l ? l : List.of();
      for (int k = n - 1; k > i; k--) {
        String candidate = String.join("_", tokens.subList(i, k));
        int index = -1;
        if (candidate.matches("[0-9]{1,6}")) {
          int idx = Integer.parseInt(candidate);
          index = idx < list.size() ? idx : -1;
        } else {
          for (int j = 0; j < list.size(); j++) {
            if (list.get(j) instanceof Map<?, ?> m && m.get("id") != null
                && norm(String.valueOf(m.get("id"))).equals(candidate)) {
              index = j;
              break;
            }
          }
        }
        if (index >= 0) {
          List<Object> rest = resolve(items.element(), list.get(index), tokens, k);
          if (rest != null) {
            rest.add(0, index);
            return rest;
          }
        }
      }
      return null;
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private void set(Map<String, Object> root, List<Object> steps, String value, String var) {
    Object current = root;
    StringBuilder path = new StringBuilder();
    for (int s = 0; s < steps.size(); s++) {
      Object step = steps.get(s);
      boolean last = s == steps.size() - 1;
      if (step instanceof Integer idx) {
        path.append('[').append(idx).append(']');
        current = ((List<Object>) current).get(idx);
        if (!(current instanceof Map)) {
          throw new ConfigException(fileName, path.toString(), "must be a mapping");
        }
        continue;
      }
      String key = (String) step;
      path.append(path.length() == 0 ? "" : ".").append(key);
      Map<String, Object> map = (Map<String, Object>) current;
      if (last) {
        map.put(key, value);
        fromEnv.put(path.toString(), var);
        return;
      }
      Object child = map.get(key);
      if (child == null) {
        child = new LinkedHashMap<String, Object>();
        map.put(key, child);
      } else if (!(child instanceof Map) && !(child instanceof List)) {
        throw new ConfigException(fileName, path.toString(), "must be a mapping");
      }
      current = child;
    }
  }

  // ---------------------------------------------------------------- building the records

  private VaxflowConfig build(Map<String, Object> root) {
    Map<String, Object> httpMap = section(root, "", "http");
    VaxflowConfig.Http http = new VaxflowConfig.Http(
        string(httpMap, "http", "host", "0.0.0.0", false),
        integer(httpMap, "http", "port", 8080, 0, 65535),
        integer(httpMap, "http", "bodyLimitBytes", 16384, 256, 64 * 1024 * 1024),
        integer(httpMap, "http", "idleTimeoutSec", 60, 1, 86_400),
        integer(httpMap, "http", "requestTimeoutMs", 10_000, 100, 600_000),
        httpMap.containsKey("trustedProxies") ? strings(httpMap, "http", "trustedProxies") : List.of("loopback"));
    for (String proxy : http.trustedProxies()) {
      if (!proxy.equals("loopback") && !proxy.matches("[0-9.]+|[0-9a-fA-F:.%]*:[0-9a-fA-F:.%]*")) {
        throw fail("http.trustedProxies", quote(proxy) + " is not an IP address (or loopback)");
      }
    }

    VaxflowConfig.Redis redis = redis(section(root, "", "redis"));

    String dataDirText = string(root, "", "dataDir", "./data", false);
    Path dataDir;
    try {
      dataDir = Path.of(dataDirText);
    } catch (InvalidPathException e) {
      throw fail("dataDir", "is not a valid path: " + e.getReason());
    }

    String voucherSecret = string(root, "", "voucherSecret", null, true);
    if (voucherSecret.length() < 16) {
      throw fail("voucherSecret", "must be at least 16 characters");
    }

    Optional<Instant> clockStart = clock(root);

    String zone = string(root, "", "timeZone", "Asia/Shanghai", false);
    ZoneId timeZone;
    try {
      timeZone = ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw fail("timeZone", "unknown time zone " + zone + " (use a region id such as Asia/Shanghai)");
    }

    boolean simulate = bool(root, "", "simulate", false);

    Map<String, Object> ann = section(root, "", "announce");
    VaxflowConfig.Announce announce = new VaxflowConfig.Announce(
        integer(ann, "announce", "repeats", 3, 1, 10),
        integer(ann, "announce", "intervalSec", 8, 1, 600));

    Map<String, Object> fl = section(root, "", "flow");
    VaxflowConfig.Flow flow = new VaxflowConfig.Flow(
        integer(fl, "flow", "arrivalTimeoutSec", 300, 1, 86_400),
        integer(fl, "flow", "leaseSec", 600, 1, 86_400),
        integer(fl, "flow", "observationSec", 1800, 1, 86_400),
        integer(fl, "flow", "priorityInARow", 2, 1, 1000),
        integer(fl, "flow", "checkinEarlyMin", 60, 0, 1440),
        integer(fl, "flow", "tickMs", 1000, 10, 60_000),
        number(fl, "flow", "deskServiceMin", 3.0, 0.01, 240),
        number(fl, "flow", "boothServiceMin", 4.0, 0.01, 240));

    Map<String, Object> lim = section(root, "", "limits");
    VaxflowConfig.Limits limits = new VaxflowConfig.Limits(
        bucket(lim, "kiosk", 1.0, 30), bucket(lim, "site", 20.0, 200), bucket(lim, "booking", 0.5, 10),
        bucket(lim, "lookup", 5.0, 60), bucket(lim, "login", 0.5, 10),
        integer(lim, "limits", "loginFailures", 5, 1, 1000),
        integer(lim, "limits", "lockoutSec", 900, 1, 86_400),
        bucket(lim, "bookings", 200.0, 400), integer(lim, "limits", "bookingQueueSec", 30, 0, 3600));

    Map<String, Object> reg = section(root, "", "registry");
    VaxflowConfig.Registry registry = new VaxflowConfig.Registry(
        string(reg, "registry", "url", "", true),
        integer(reg, "registry", "port", 0, 0, 65_535),
        integer(reg, "registry", "timeoutMs", 800, 10, 60_000),
        integer(reg, "registry", "breakerFailures", 5, 1, 1000),
        integer(reg, "registry", "breakerResetMs", 10_000, 100, 3_600_000));

    Map<String, Object> rem = section(root, "", "remote");
    VaxflowConfig.Remote remote = new VaxflowConfig.Remote(
        integer(rem, "remote", "pollMs", 5000, 50, 600_000),
        integer(rem, "remote", "timeoutMs", 1000, 10, 60_000),
        integer(rem, "remote", "breakerFailures", 3, 1, 1000),
        integer(rem, "remote", "breakerResetMs", 5000, 50, 3_600_000));

    List<SiteConfig> sites = sites(root, timeZone);
    List<VaxflowConfig.Community> communities = communities(root);
    List<StaffAccount> staff = staff(root, sites);

    return new VaxflowConfig(http, redis, dataDir, voucherSecret, clockStart, timeZone, simulate,
        announce, flow, limits, registry, sites.stream().filter(s -> !s.isRemote()).toList(), communities, staff,
        sites.stream().filter(SiteConfig::isRemote).toList(), remote);
  }

  /** The Redis deployment: its type, endpoints (a comma-separated list), Sentinel master name and WAIT count. */
  private VaxflowConfig.Redis redis(Map<String, Object> redisMap) {
    String typeText = string(redisMap, "redis", "type", "standalone", false).strip();
    VaxflowConfig.Redis.Type type;
    try {
      type = VaxflowConfig.Redis.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw fail("redis.type", "must be standalone, cluster or sentinel, not " + quote(typeText));
    }
    String url = string(redisMap, "redis", "url", "", true).strip();
    List<String> endpoints = new ArrayList<>();
    for (String part : url.split(",")) {
      String endpoint = part.strip();
      if (endpoint.isEmpty()) {
        if (!url.isEmpty()) throw fail("redis.url", "has an empty entry in its comma-separated list");
        continue;
      }
      if (!(endpoint.startsWith("redis://") || endpoint.startsWith("rediss://") || endpoint.startsWith("unix://"))) {
        throw fail("redis.url", "must be empty (embedded redis-server) or redis://, rediss:// or unix:// URLs, not "
            + quote(endpoint));
      }
      endpoints.add(endpoint);
    }
    if (type == VaxflowConfig.Redis.Type.STANDALONE && endpoints.size() > 1) {
      throw fail("redis.url", "names " + endpoints.size() + " endpoints: a standalone Redis has one (set redis.type to cluster or sentinel)");
    }
    if (type != VaxflowConfig.Redis.Type.STANDALONE && endpoints.isEmpty()) {
      throw fail("redis.url", "is required for redis.type " + typeText + " (the embedded redis-server is standalone)");
    }
    String master = string(redisMap, "redis", "master", "", true).strip();
    if (type == VaxflowConfig.Redis.Type.SENTINEL && master.isEmpty()) {
      throw fail("redis.master", "is required for redis.type sentinel (the master name the sentinels monitor)");
    }
    if (type != VaxflowConfig.Redis.Type.SENTINEL && !master.isEmpty()) {
      throw fail("redis.master", "is only for redis.type sentinel");
    }
    int waitReplicas = integer(redisMap, "redis", "waitReplicas", 0, 0, 16);
    if (waitReplicas > 0 && endpoints.isEmpty()) {
      throw fail("redis.waitReplicas", "must be 0 with the embedded redis-server (it has no replicas)");
    }
    return new VaxflowConfig.Redis(
        url,
        integer(redisMap, "redis", "poolSize", 32, 1, 4096),
        integer(redisMap, "redis", "timeoutMs", 2000, 10, 600_000),
        type, List.copyOf(endpoints), master, waitReplicas);
  }

  private VaxflowConfig.Bucket bucket(Map<String, Object> limits, String name, double rate, int burst) {
    Map<String, Object> b = section(limits, "limits", name);
    return new VaxflowConfig.Bucket(
        number(b, "limits." + name, "rate", rate, 0.001, 1_000_000),
        integer(b, "limits." + name, "burst", burst, 1, 1_000_000));
  }

  private Optional<Instant> clock(Map<String, Object> root) {
    Object v = root.get("clock");
    if (v == null || (v instanceof String s && s.isBlank())) {
      return Optional.empty();
    }
    if (v instanceof Date d) {
      return Optional.of(d.toInstant());
    }
    if (!(v instanceof String s)) {
      throw fail("clock", "must be an ISO-8601 instant such as 2026-11-24T01:30:00Z");
    }
    String text = s.strip();
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      try {
        return Optional.of(OffsetDateTime.parse(text).toInstant());
      } catch (DateTimeParseException e2) {
        throw fail("clock", "must be an ISO-8601 instant such as 2026-11-24T01:30:00Z, not " + quote(text));
      }
    }
  }

  private List<SiteConfig> sites(Map<String, Object> root, ZoneId timeZone) {
    List<Object> list = list(root, "", "sites");
    if (list.isEmpty()) {
      throw fail("sites", "at least one site is required");
    }
    List<SiteConfig> sites = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    Map<String, String> codes = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String p = "sites[" + i + "]";
      Map<String, Object> m = element(list, i, p);
      String id = string(m, p, "id", null, false);
      if (!SITE_ID.matcher(id).matches()) {
        throw fail(p + ".id", "must be 2 to 32 characters: a lower-case letter, then lower-case letters, digits or -; not " + quote(id));
      }
      if (ids.putIfAbsent(id, p) != null) {
        throw fail(p + ".id", "duplicate site id " + id + " (also " + ids.get(id) + ")");
      }
      String code = string(m, p, "code", null, false);
      if (!SITE_CODE.matcher(code).matches()) {
        throw fail(p + ".code", "must be two capital letters (A-Z), not " + quote(code));
      }
      if (codes.putIfAbsent(code, p) != null) {
        throw fail(p + ".code", "duplicate site code " + code + " (also " + codes.get(code) + ")");
      }
      Map<String, String> name = lang(m, p, "name", true);
      Map<String, String> address = lang(m, p, "address", false);
      double lat = number(m, p, "lat", null, -90, 90);
      double lon = number(m, p, "lon", null, -180, 180);
      boolean walkIns = bool(m, p, "walkIns", false);
      String hp = p + ".hours";
      Map<String, Object> hours = section(m, p, "hours");
      int opens = minuteOfDay(hours, hp, "open", "08:00", false);
      int closes = minuteOfDay(hours, hp, "close", "17:00", true);
      if (opens >= closes) {
        throw fail(hp, "open (" + hours.getOrDefault("open", "08:00") + ") must be before close ("
            + hours.getOrDefault("close", "17:00") + "); a site open around the clock has open \"00:00\", close \"24:00\"");
      }
      OpeningHours openingHours = new OpeningHours(opens, closes, timeZone);
      int slotMin = integer(m, p, "slotMin", 30, 1, 240);
      if (slotMin > openingHours.minutes()) {
        throw fail(p + ".slotMin", "must not be longer than the opening hours ("
            + openingHours.openText() + "-" + openingHours.closeText() + ")");
      }
      sites.add(new SiteConfig(id, code, name, address, lat, lon, walkIns, openingHours,
          slotMin,
          integer(m, p, "slotCapacity", 60, 1, 100_000),
          integer(m, p, "hallCapacity", 100, 1, 100_000),
          integer(m, p, "roomCapacity", 10, 1, 10_000),
          integer(m, p, "doors", 1, 1, 10),
          integer(m, p, "desks", 2, 1, 50),
          integer(m, p, "booths", 3, 1, 50),
          remote(m, p)));
    }
    if (sites.stream().allMatch(SiteConfig::isRemote)) {
      throw fail("sites", "at least one site must be run by this server (without remote)");
    }
    return List.copyOf(sites);
  }

  /** The base URL of the Vaxflow server that runs the site, when another server runs it. */
  private Optional<String> remote(Map<String, Object> m, String p) {
    String url = string(m, p, "remote", "", true).strip();
    if (url.isEmpty()) return Optional.empty();
    if (!url.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
      throw fail(p + ".remote", "must be the base URL of the Vaxflow server that runs the site, e.g. http://10.0.0.2:8080, not " + quote(url));
    }
    return Optional.of(url.replaceAll("/+$", ""));
  }

  private List<VaxflowConfig.Community> communities(Map<String, Object> root) {
    List<Object> list = list(root, "", "communities");
    List<VaxflowConfig.Community> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String p = "communities[" + i + "]";
      Map<String, Object> m = element(list, i, p);
      out.add(new VaxflowConfig.Community(
          lang(m, p, "name", true),
          number(m, p, "lat", null, -90, 90),
          number(m, p, "lon", null, -180, 180)));
    }
    return List.copyOf(out);
  }

  private List<StaffAccount> staff(Map<String, Object> root, List<SiteConfig> sites) {
    List<Object> list = list(root, "", "staff");
    if (list.isEmpty()) {
      LOG.warn("{}: no staff accounts: nobody can log in to the staff screens", fileName);
    }
    Set<String> siteIds = new LinkedHashSet<>();
    sites.forEach(s -> siteIds.add(s.id()));
    List<StaffAccount> out = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String p = "staff[" + i + "]";
      Map<String, Object> m = element(list, i, p);
      String id = string(m, p, "id", null, false);
      if (!STAFF_ID.matcher(id).matches()) {
        throw fail(p + ".id", "must be 2 to 32 characters: a lower-case letter, then lower-case letters, digits, _ or -; not " + quote(id));
      }
      if (ids.putIfAbsent(id, p) != null) {
        throw fail(p + ".id", "duplicate staff id " + id + " (also " + ids.get(id) + ")");
      }
      String name = string(m, p, "name", id, false);
      String pinHash = string(m, p, "pinHash", null, false);
      if (!PinHash.wellFormed(pinHash)) {
        throw fail(p + ".pinHash", "must be a PIN hash as printed by: java -cp target/vaxflow.jar io.vaxflow.security.PinHash <pin>");
      }
      List<String> roleNames = strings(m, p, "roles");
      if (roleNames.isEmpty()) {
        throw fail(p + ".roles", "at least one role is required (door, desk, vaccinator, manager, admin)");
      }
      EnumSet<StaffAccount.Role> roles = EnumSet.noneOf(StaffAccount.Role.class);
      for (String r : roleNames) {
        try {
          roles.add(StaffAccount.Role.of(r));
        } catch (IllegalArgumentException e) {
          throw fail(p + ".roles", "unknown role " + quote(r) + " (door, desk, vaccinator, manager, admin)");
        }
      }
      List<String> staffSites = strings(m, p, "sites");
      if (staffSites.isEmpty()) {
        throw fail(p + ".sites", "at least one site id (or \"*\" for every site) is required");
      }
      for (String s : staffSites) {
        if (!s.equals("*") && !siteIds.contains(s)) {
          throw fail(p + ".sites", "unknown site " + quote(s) + " (sites: " + String.join(", ", siteIds) + ", or *)");
        }
      }
      out.add(new StaffAccount(id, name, pinHash, Collections.unmodifiableSet(roles),
          Collections.unmodifiableSet(new LinkedHashSet<>(staffSites))));
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------- typed getters

  private ConfigException fail(String path, String reason) {
    String var = fromEnv.get(path);
    if (var != null) {
      return new ConfigException(fileName, var, reason + " (environment override of " + path + ")");
    }
    return new ConfigException(fileName, path, reason);
  }

  private static String join(String prefix, String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  private static String quote(String s) {
    return "\"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> section(Map<String, Object> m, String prefix, String key) {
    Object v = m.get(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map)) {
      throw fail(join(prefix, key), "must be a mapping of keys to values");
    }
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Map<String, Object> m, String prefix, String key) {
    Object v = m.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List)) {
      throw fail(join(prefix, key), "must be a list");
    }
    return (List<Object>) v;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> element(List<Object> list, int i, String path) {
    Object v = list.get(i);
    if (!(v instanceof Map)) {
      throw fail(path, "must be a mapping of keys to values");
    }
    return (Map<String, Object>) v;
  }

  /** A text value; {@code def == null} means required. */
  private String string(Map<String, Object> m, String prefix, String key, String def, boolean allowEmpty) {
    String path = join(prefix, key);
    Object v = m.get(key);
    if (v == null) {
      if (def == null) {
        throw fail(path, "is required");
      }
      return def;
    }
    if (v instanceof Map || v instanceof List) {
      throw fail(path, "must be text");
    }
    String s = String.valueOf(v);
    if (!allowEmpty && s.isBlank()) {
      throw fail(path, def == null ? "is required (empty)" : "must not be empty");
    }
    return s;
  }

  private int integer(Map<String, Object> m, String prefix, String key, Integer def, int min, int max) {
    String path = join(prefix, key);
    Object v = m.get(key);
    String rule = "must be a whole number from " + min + " to " + max;
    if (v == null) {
      if (def == null) {
        throw fail(path, "is required; " + rule);
      }
      return def;
    }
    long n;
    if (v instanceof Integer || v instanceof Long) {
      n = ((Number) v).longValue();
    } else if (v instanceof String s && s.strip().matches("[-+]?[0-9]{1,12}")) {
      n = Long.parseLong(s.strip());
    } else {
      throw fail(path, rule);
    }
    if (n < min || n > max) {
      throw fail(path, rule);
    }
    return (int) n;
  }

  private double number(Map<String, Object> m, String prefix, String key, Double def, double min, double max) {
    String path = join(prefix, key);
    Object v = m.get(key);
    String rule = "must be a number from " + fmt(min) + " to " + fmt(max);
    if (v == null) {
      if (def == null) {
        throw fail(path, "is required; " + rule);
      }
      return def;
    }
    double d;
    if (v instanceof Number num && !(v instanceof java.math.BigInteger)) {
      d = num.doubleValue();
    } else if (v instanceof String s && s.strip().matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
      d = Double.parseDouble(s.strip());
    } else {
      throw fail(path, rule);
    }
    if (!Double.isFinite(d) || d < min || d > max) {
      throw fail(path, rule);
    }
    return d;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private boolean bool(Map<String, Object> m, String prefix, String key, boolean def) {
    String path = join(prefix, key);
    Object v = m.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> { return true; }
        case "false", "no", "off", "0" -> { return false; }
        default -> { }
      }
    }
    throw fail(path, "must be true or false");
  }

  /** A time of day HH:mm as minutes since midnight; "24:00" (1440, the end of the day) only where {@code endOfDay}. */
  private int minuteOfDay(Map<String, Object> m, String prefix, String key, String def, boolean endOfDay) {
    String path = join(prefix, key);
    Object v = m.get(key);
    String text = v == null ? def : String.valueOf(v).strip();
    String shape = endOfDay ? "must be a time of day HH:mm from 00:01 to 24:00, e.g. 17:00"
        : "must be a time of day HH:mm from 00:00 to 23:59, e.g. 08:00";
    if (v instanceof Map || v instanceof List) {
      throw fail(path, shape);
    }
    if (text.equals("24:00")) {
      if (endOfDay) return OpeningHours.DAY_MINUTES;
      throw fail(path, "24:00 is the end of a day, only a closing time; a site open around the clock opens at 00:00");
    }
    try {
      LocalTime t = LocalTime.parse(text, HH_MM);
      return t.getHour() * 60 + t.getMinute();
    } catch (DateTimeParseException e) {
      throw fail(path, shape + "; not " + quote(text));
    }
  }

  private Map<String, String> lang(Map<String, Object> m, String prefix, String key, boolean required) {
    String path = join(prefix, key);
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        throw fail(path, "is required, with zh and en");
      }
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw fail(path, "must be a mapping with zh and en, e.g. {zh: 徐汇, en: Xuhui}");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String lang = String.valueOf(e.getKey());
      String lp = path + "." + lang;
      Object text = e.getValue();
      if (text == null || text instanceof Map || text instanceof List || String.valueOf(text).isBlank()) {
        throw fail(lp, "must be non-empty text");
      }
      out.put(lang, String.valueOf(text).strip());
    }
    if (required) {
      for (String need : List.of("zh", "en")) {
        if (!out.containsKey(need)) {
          throw fail(path + "." + need, "is required");
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** A list of text values; a comma-separated string (from the environment) counts as a list. */
  private List<String> strings(Map<String, Object> m, String prefix, String key) {
    String path = join(prefix, key);
    Object v = m.get(key);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return out;
    }
    if (!(v instanceof List<?> list)) {
      throw fail(path, "must be a list, e.g. [a, b]");
    }
    for (Object o : list) {
      if (o == null || o instanceof Map || o instanceof List) {
        throw fail(path, "must be a list of names");
      }
      out.add(String.valueOf(o).strip());
    }
    return out;
  }
}
