package io.vaxflow.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.exc.*;
import com.fasterxml.jackson.databind.node.*;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vaxflow.security.PinHash;
import java.io.*;
import java.nio.charset.*;
import java.nio.file.*;
import java.time.*;
import java.time.format.*;
import java.util.*;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code config/vaxflow.yaml} into a validated {@link VaxflowConfig}; every problem is a
 * {@link ConfigException} naming the file, the key and the reason, so a bad config fails at start.
 * The file is read as a Jackson tree and laid over {@link #DEFAULTS}; environment overrides are set on
 * that tree; the ranges in {@link #DEFAULTS} check every number; Jackson binds the tree (an unknown key fails there)
 * and {@link #validate} checks formats, ids, references and cross-field rules.
 *
 * <p>Environment overrides (names match case-insensitively; blank values are ignored): the short names
 * {@code HTTP_PORT, REDIS_URL, REDIS_TYPE, REDIS_MASTER, REDIS_WAIT_REPLICAS, DATA_DIR, VOUCHER_SECRET,
 * CLOCK, CLOCK_RATE, SIMULATE} ({@link #NAMED_ENV}), and {@code VAXFLOW_<PATH>} for any value by its path in upper
 * case with dots and dashes as underscores, list entries by id or index: {@code VAXFLOW_FLOW_LEASESEC=30},
 * {@code VAXFLOW_SITES_XUHUI_HALLCAPACITY=80}, {@code VAXFLOW_STAFF_DESK_SITES=xuhui,jingan}. The short
 * names win. A {@code VAXFLOW_} variable that starts with a section's name but names no value is an
 * error; other ones are not config and are ignored. An error in a value from the environment names the
 * variable as its key.
 */
public final class ConfigLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** Where the config is read from unless {@code CONFIG} says otherwise. */
  public static final Path DEFAULT_FILE = Path.of("config", "vaxflow.yaml");

  private static final String GENERIC_PREFIX = "VAXFLOW_";
  private static final Map<String, String> NAMED_ENV = Map.of("HTTP_PORT", "http.port", "REDIS_URL", "redis.url",
      "REDIS_TYPE", "redis.type", "REDIS_MASTER", "redis.master", "REDIS_WAIT_REPLICAS", "redis.waitReplicas",
      "DATA_DIR", "dataDir", "VOUCHER_SECRET", "voucherSecret", "CLOCK", "clock", "SIMULATE", "simulate",
      "CLOCK_RATE", "clockRate");

  /**
   * Every key and its default ({@code null}: required); a number as {@code [default, min, max]} (a decimal
   * min: not only whole numbers). A list holding one mapping is the template of each entry.
   */
  private static final String DEFAULTS = """
      http: {host: 0.0.0.0, port: [8080, 0, 65535], bodyLimitBytes: [16384, 256, 67108864], idleTimeoutSec: [60, 1, 86400],
             requestTimeoutMs: [10000, 100, 600000], trustedProxies: [loopback]}
      redis: {type: standalone, url: "", master: "", waitReplicas: [0, 0, 16], poolSize: [32, 1, 4096], timeoutMs: [2000, 10, 600000]}
      dataDir: ./data
      voucherSecret: null
      clock: ""
      clockRate: [1.0, 0.01, 10000]
      timeZone: Asia/Shanghai
      simulate: false
      announce: {repeats: [3, 1, 10], intervalSec: [8, 1, 600]}
      flow: {arrivalTimeoutSec: [300, 1, 86400], leaseSec: [600, 1, 86400], observationSec: [1800, 1, 86400],
             priorityInARow: [2, 1, 1000], checkinEarlyMin: [60, 0, 1440], tickMs: [1000, 10, 60000],
             deskServiceMin: [3.0, 0.01, 240], boothServiceMin: [4.0, 0.01, 240],
             observationMinutes: {standard: [0, 0, 1440], high: [30, 1, 1440]}}
      limits: {kiosk: {rate: [1.0, 0.001, 1000000], burst: [30, 1, 1000000]}, site: {rate: [20.0, 0.001, 1000000], burst: [200, 1, 1000000]},
               booking: {rate: [0.5, 0.001, 1000000], burst: [10, 1, 1000000]}, lookup: {rate: [5.0, 0.001, 1000000], burst: [60, 1, 1000000]},
               login: {rate: [0.5, 0.001, 1000000], burst: [10, 1, 1000000]}, loginFailures: [5, 1, 1000], lockoutSec: [900, 1, 86400],
               bookings: {rate: [200.0, 0.001, 1000000], burst: [400, 1, 1000000]}, bookingQueueSec: [30, 0, 3600]}
      registry: {url: "", port: [0, 0, 65535], timeoutMs: [800, 10, 60000], breakerFailures: [5, 1, 1000], breakerResetMs: [10000, 100, 3600000]}
      remote: {pollMs: [5000, 50, 600000], timeoutMs: [1000, 10, 60000], breakerFailures: [3, 1, 1000], breakerResetMs: [5000, 50, 3600000]}
      sites:
        - {id: null, code: null, name: null, address: {}, lat: [null, -90.0, 90], lon: [null, -180.0, 180], walkIns: false,
           hours: {open: "08:00", close: "17:00"}, slotMin: [30, 1, 240], slotCapacity: [60, 1, 100000], hallCapacity: [100, 1, 100000],
           roomCapacity: [10, 1, 10000], doors: [1, 1, 10], desks: [2, 1, 50], booths: [3, 1, 50], targetWaitMin: [30, 1, 1440], remote: ""}
      communities:
        - {name: null, lat: [null, -90.0, 90], lon: [null, -180.0, 180]}
      staff:
        - {id: null, name: null, pinHash: null, roles: [], sites: []}
      """;
  private static final Set<String> BOOLEANS = Set.of("simulate", "sites[].walkIns");

  private static final Pattern SITE_ID = Pattern.compile("[a-z][a-z0-9-]{1,31}");
  private static final Pattern SITE_CODE = Pattern.compile("[A-Z]{2}");
  private static final Pattern STAFF_ID = Pattern.compile("[a-z][a-z0-9_-]{1,31}");
  private static final Pattern LANG = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("H:mm");

  private static final YAMLMapper MAPPER = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
      DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

  /** The range of each number by its rule path ({@code http.port}, {@code sites[].hallCapacity}): min, max, 1 if decimal. */
  private static final Map<String, double[]> RANGE = new HashMap<>();
  private static final JsonNode DEFAULT_TREE = ranges(read(DEFAULTS), "");

  /** Takes the ranges out of the defaults: {@code [default, min, max]} becomes {@code default}. */
  private static JsonNode ranges(JsonNode node, String rule) {
    if (node.isArray() && node.size() == 3 && node.get(1).isNumber() && node.get(2).isNumber()) {
      RANGE.put(rule, new double[] {node.get(1).asDouble(), node.get(2).asDouble(), node.get(1).isIntegralNumber() ? 0 : 1});
      return node.get(0);
    }
    if (node instanceof ObjectNode o) o.properties().forEach(f -> f.setValue(ranges(f.getValue(), dot(rule, f.getKey()))));
    if (node instanceof ArrayNode list) for (int i = 0; i < list.size(); i++) list.set(i, ranges(list.get(i), rule + "[]"));
    return node;
  }

  /** The file's shape where it differs from the config records; the sections that match bind into those directly. */
  record File(VaxflowConfig.Http http, RedisFile redis, String dataDir, String voucherSecret, String clock,
              double clockRate, String timeZone, boolean simulate, VaxflowConfig.Announce announce, VaxflowConfig.Flow flow,
              VaxflowConfig.Limits limits, VaxflowConfig.Registry registry, VaxflowConfig.Remote remote,
              List<Site> sites, List<VaxflowConfig.Community> communities, List<Staff> staff) {}
  record RedisFile(String type, String url, String master, int waitReplicas, int poolSize, int timeoutMs) {}
  record Site(String id, String code, Map<String, String> name, Map<String, String> address, double lat, double lon,
              boolean walkIns, Hours hours, int slotMin, int slotCapacity, int hallCapacity, int roomCapacity,
              int doors, int desks, int booths, int targetWaitMin, String remote) {}
  record Hours(String open, String close) {}
  record Staff(String id, String name, String pinHash, List<String> roles, List<String> sites) {}

  /** Loads {@code file} with overrides from the process environment. */
  public static VaxflowConfig load(Path file) {
    return load(file, System.getenv());
  }

  /** Loads and validates {@code file}, applying overrides from {@code env}; a problem is a {@link ConfigException}. */
  public static VaxflowConfig load(Path file, Map<String, String> env) {
    ConfigLoader loader = new ConfigLoader(file);
    ObjectNode tree = (ObjectNode) merge(DEFAULT_TREE, loader.parse(file));
    loader.applyEnv(env == null ? Map.of() : env, tree);
    if (!loader.fromEnv.isEmpty()) LOG.info("{}: {} value(s) set from the environment: {}", loader.fileName, loader.fromEnv.size(),
          String.join(", ", new TreeMap<>(loader.fromEnv).values()));
    loader.checkScalars(tree, "", "");
    try {
      return loader.validate(MAPPER.treeToValue(tree, File.class));
    } catch (JsonMappingException e) {
      throw loader.bindingError(e, tree);
    } catch (JacksonException e) {
      throw new ConfigException(loader.fileName, "(syntax)", e.getOriginalMessage(), e);
    }
  }

  private final String fileName;
  /** Config path → the environment variable that set it. */
  private final Map<String, String> fromEnv = new HashMap<>();

  private ConfigLoader(Path file) { this.fileName = file.toString(); }

  private static JsonNode read(String yaml) {
    try { return MAPPER.readTree(yaml); } catch (IOException e) { throw new IllegalStateException(e); }
  }

  private JsonNode parse(Path file) {
    if (Files.isDirectory(file)) throw new ConfigException(fileName, "(file)", "is a directory, not a file");
    JsonNode doc;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      doc = MAPPER.readTree(in);
    } catch (NoSuchFileException e) {
      throw new ConfigException(fileName, "(file)", "not found");
    } catch (JacksonException e) {
      for (Throwable c = e; c != null; c = c.getCause()) if (c instanceof CharacterCodingException bad) throw utf8(bad);
      String problem = e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null
          ? m.getProblem().strip() + (m.getContext() == null ? "" : " (" + m.getContext().strip() + ")")
          : e.getOriginalMessage().replaceAll("(?s)Duplicate field '(.*?)'.*", "duplicate key $1");
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      throw new ConfigException(fileName, "(syntax)", where + problem, e);
    } catch (IOException e) {
      throw e instanceof CharacterCodingException c ? utf8(c) : new ConfigException(fileName, "(file)", "cannot be read: " + e, e);
    }
    if (doc == null || doc.isMissingNode() || doc.isNull()) return JsonNodeFactory.instance.objectNode();
    if (!doc.isObject()) throw new ConfigException(fileName, "(root)", "must be a mapping of keys to values");
    return doc;
  }

  private ConfigException utf8(CharacterCodingException e) {
    return new ConfigException(fileName, "(syntax)", "not valid UTF-8", e);
  }

  /** {@code file} laid over {@code defaults}; a null in the file is an absent key; template lists apply to each entry. */
  private static JsonNode merge(JsonNode defaults, JsonNode file) {
    boolean template = defaults.isArray() && defaults.size() == 1 && defaults.get(0).isObject();
    if (file == null || file.isNull()) return template ? JsonNodeFactory.instance.arrayNode() : defaults.deepCopy();
    if (defaults.isArray() && !template && file.isTextual()) { // a list written as comma-separated text
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      Arrays.stream(file.asText().split(",")).map(String::strip).filter(t -> !t.isEmpty()).forEach(out::add);
      return out;
    }
    if (template && file.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      file.forEach(entry -> out.add(merge(defaults.get(0), entry)));
      return out;
    }
    if (!defaults.isObject() || !file.isObject() || defaults.isEmpty()) return file.deepCopy();
    ObjectNode out = ((ObjectNode) file).deepCopy();
    defaults.properties().forEach(d -> out.set(d.getKey(), merge(d.getValue(), file.get(d.getKey()))));
    return out;
  }

  private void applyEnv(Map<String, String> env, ObjectNode root) {
    Map<String, Target> targets = new HashMap<>();
    index(root, "VAXFLOW", null, null, "", targets);
    Map<String, String> vars = new TreeMap<>(Comparator.comparing((String k) -> !k.startsWith(GENERIC_PREFIX)).thenComparing(k -> k));
    env.forEach((var, value) -> {
      String upper = var == null || value == null || value.isBlank() ? "" : var.toUpperCase(Locale.ROOT);
      if (upper.startsWith(GENERIC_PREFIX) || NAMED_ENV.containsKey(upper)) vars.put(upper, var);
    });
    vars.forEach((upper, var) -> {
      String named = NAMED_ENV.get(upper);
      Target t = targets.get(named != null ? "VAXFLOW_" + norm(named) : upper);
      Target texts = targets.get(upper.substring(0, upper.lastIndexOf('_') + 1)); // VAXFLOW_SITES_XUHUI_NAME_FR
      if (t == null && texts != null) {
        String lang = upper.substring(upper.lastIndexOf('_') + 1).toLowerCase(Locale.ROOT);
        t = new Target((ObjectNode) texts.parent().get(texts.key()), lang, texts.path() + "." + lang);
      }
      if (t == null && root.properties().stream().anyMatch(f -> (upper + "_").startsWith("VAXFLOW_" + norm(f.getKey()) + "_"))) {
        throw new ConfigException(fileName, var, "names no config value (check the key, and the id for sites and staff)");
      } else if (t != null) {
        JsonNode before = t.parent().path(t.key()); // a list keeps its shape: comma-separated text becomes its entries
        t.parent().set(t.key(), merge(before.isArray() ? before : TextNode.valueOf(""), TextNode.valueOf(env.get(var).strip())));
        fromEnv.put(t.path(), var);
      }
    });
  }

  /** A value the environment may set: {@code key} of {@code parent}, at config path {@code path}. */
  private record Target(ObjectNode parent, String key, String path) {}

  /** Every value by its environment name, list entries by id and by index (VAXFLOW_SITES_XUHUI_…, VAXFLOW_SITES_0_…). */
  private static void index(JsonNode node, String env, ObjectNode parent, String key, String path, Map<String, Target> out) {
    if (node.isObject()) {
      if ("name".equals(key) || "address".equals(key)) out.put(env + "_", new Target(parent, key, path)); // a text by language
      node.properties().forEach(f -> index(f.getValue(), env + "_" + norm(f.getKey()), (ObjectNode) node, f.getKey(), dot(path, f.getKey()), out));
    } else if (node.isArray() && !node.isEmpty() && node.get(0).isObject()) {
      for (int j = 0; j < node.size(); j++) {
        JsonNode entry = node.get(j);
        index(entry, env + "_" + j, null, null, path + "[" + j + "]", out);
        if (entry.hasNonNull("id")) index(entry, env + "_" + norm(entry.get("id").asText()), null, null, path + "[" + j + "]", out);
      }
    } else {
      out.put(env, new Target(parent, key, path));
    }
  }

  private static String dot(String path, String key) { return path.isEmpty() ? key : path + "." + key; }

  private static String norm(String s) {
    return s.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /** Every number within its range, every switch true or false; text (from the environment) becomes typed. */
  private JsonNode checkScalars(JsonNode node, String path, String rule) {
    if (node instanceof ObjectNode obj) {
      for (Map.Entry<String, JsonNode> f : obj.properties()) {
        String k = f.getKey();
        f.setValue(checkScalars(f.getValue(), dot(path, k), dot(rule, k)));
      }
    } else if (node instanceof ArrayNode list) {
      for (int i = 0; i < list.size(); i++) list.set(i, checkScalars(list.get(i), path + "[" + i + "]", rule + "[]"));
    }
    double[] range = RANGE.get(rule);
    String text = node.asText().strip();
    if (node.isNull() || node.isContainerNode() && range == null) {
      return node;
    } else if (range != null) {
      boolean whole = range[2] == 0;
      boolean ok = whole ? node.isIntegralNumber() && node.canConvertToLong() || node.isTextual() && text.matches("[-+]?[0-9]{1,12}")
          : node.isNumber() && !node.isBigInteger() || node.isTextual() && text.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
      double d = ok ? Double.parseDouble(text) : Double.NaN;
      failIf(!ok || !Double.isFinite(d) || d < range[0] || d > range[1], path,
          "must be a " + (whole ? "whole " : "") + "number from " + fmt(range[0]) + " to " + fmt(range[1]));
      return whole ? LongNode.valueOf((long) d) : DoubleNode.valueOf(d);
    } else if (BOOLEANS.contains(rule) && node.isTextual()) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> BooleanNode.TRUE;
        case "false", "no", "off", "0" -> BooleanNode.FALSE;
        default -> throw fail(path, "must be true or false");
      };
    }
    return node;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** A Jackson binding error as file, key (today's {@code sites[1].boths} form) and reason. */
  private ConfigException bindingError(JsonMappingException e, JsonNode tree) {
    StringBuilder path = new StringBuilder();
    JsonNode at = tree;
    for (JsonMappingException.Reference r : e.getPath()) {
      boolean field = r.getFieldName() != null;
      path.append(field ? (path.length() == 0 ? "" : ".") + r.getFieldName() : "[" + r.getIndex() + "]");
      at = field ? at.path(r.getFieldName()) : at.path(r.getIndex());
    }
    Class<?> type = e instanceof MismatchedInputException m && m.getTargetType() != null ? m.getTargetType() : Void.class;
    return fail(path.toString(), e instanceof UnrecognizedPropertyException u ? "unknown key" + hint(u.getPropertyName(), u.getKnownPropertyIds())
        : at.isNull() || at.isMissingNode() ? "is required"
        : type == String.class ? "must be text"
        : type == boolean.class || type == Boolean.class ? "must be true or false"
        : Collection.class.isAssignableFrom(type) ? "must be a list, e.g. [a, b]"
        : Map.class.isAssignableFrom(type) || type.isRecord() ? "must be a mapping of keys to values"
        : e.getOriginalMessage());
  }

  private static String hint(String key, Collection<Object> known) {
    return known.stream().filter(k -> String.valueOf(k).equalsIgnoreCase(key)).findFirst().map(k -> " (did you mean " + k + "?)")
        .orElse(" (known: " + String.join(", ", known.stream().map(String::valueOf).sorted().toList()) + ")");
  }

  private ConfigException fail(String path, String reason) {
    String var = fromEnv.get(path);
    return var == null ? new ConfigException(fileName, path, reason)
        : new ConfigException(fileName, var, reason + " (environment override of " + path + ")");
  }

  private void unique(Map<String, String> seen, String value, String path, String what) {
    String before = seen.putIfAbsent(what + " " + value, path.substring(0, path.lastIndexOf('.')));
    if (before != null) throw fail(path, "duplicate " + what + " " + value + " (also " + before + ")");
  }

  private void failIf(boolean bad, String path, String reason) {
    if (bad) throw fail(path, reason);
  }

  private static String quote(String s) {
    return "\"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
  }

  private String required(String value, String path) {
    if (value == null) throw fail(path, "is required");
    if (value.isBlank()) throw fail(path, "is required (empty)");
    return value;
  }

  /** The rules a type cannot say: formats, ids, references and cross-field rules; builds the config. */
  private VaxflowConfig validate(File f) {
    for (String proxy : f.http().trustedProxies()) {
      failIf(!proxy.equals("loopback") && !proxy.matches("[0-9.]+|[0-9a-fA-F:.%]*:[0-9a-fA-F:.%]*"), "http.trustedProxies",
          quote(proxy) + " is not an IP address (or loopback)");
    }
    Path dataDir;
    try {
      dataDir = Path.of(required(f.dataDir(), "dataDir"));
    } catch (InvalidPathException e) {
      throw fail("dataDir", "is not a valid path: " + e.getReason());
    }
    failIf(required(f.voucherSecret(), "voucherSecret").length() < 16, "voucherSecret", "must be at least 16 characters");
    ZoneId timeZone;
    try {
      timeZone = ZoneId.of(required(f.timeZone(), "timeZone").strip());
    } catch (DateTimeException e) {
      throw fail("timeZone", "unknown time zone " + f.timeZone() + " (use a region id such as Asia/Shanghai)");
    }
    List<SiteConfig> sites = sites(f.sites(), timeZone);
    VaxflowConfig.ObservationMinutes obs = f.flow().observationMinutes();
    failIf(obs.standard() > 0 && obs.high() < obs.standard(), "flow.observationMinutes.high",
        "must not be shorter than flow.observationMinutes.standard (" + obs.standard() + ")");
    List<VaxflowConfig.Community> communities = new ArrayList<>();
    for (VaxflowConfig.Community c : f.communities()) {
      communities.add(new VaxflowConfig.Community(lang(c.name(), "communities[" + communities.size() + "].name", true), c.lat(), c.lon()));
    }
    return new VaxflowConfig(f.http(), redis(f.redis()), dataDir, f.voucherSecret(), clock(f.clock()), f.clockRate(), timeZone,
        f.simulate(), f.announce(), f.flow(), f.limits(), f.registry(),
        sites.stream().filter(s -> !s.isRemote()).toList(), List.copyOf(communities), staff(f.staff(), sites),
        sites.stream().filter(SiteConfig::isRemote).toList(), f.remote());
  }

  /** The Redis deployment: its type, endpoints (a comma-separated list), Sentinel master name and WAIT count. */
  private VaxflowConfig.Redis redis(RedisFile r) {
    String typeText = String.valueOf(r.type()).strip();
    VaxflowConfig.Redis.Type type = Arrays.stream(VaxflowConfig.Redis.Type.values()).filter(t -> t.name().equalsIgnoreCase(typeText))
        .findFirst().orElseThrow(() -> fail("redis.type", "must be standalone, cluster or sentinel, not " + quote(typeText)));
    String url = r.url() == null ? "" : r.url().strip();
    List<String> endpoints = url.isEmpty() ? List.of() : Arrays.stream(url.split(",")).map(String::strip).toList();
    failIf(endpoints.contains(""), "redis.url", "has an empty entry in its comma-separated list");
    for (String endpoint : endpoints) {
      failIf(!endpoint.matches("(redis|rediss|unix)://.*"), "redis.url",
          "must be empty (embedded redis-server) or redis://, rediss:// or unix:// URLs, not " + quote(endpoint));
    }
    failIf(type == VaxflowConfig.Redis.Type.STANDALONE && endpoints.size() > 1, "redis.url",
        "names " + endpoints.size() + " endpoints: a standalone Redis has one (set redis.type to cluster or sentinel)");
    failIf(type != VaxflowConfig.Redis.Type.STANDALONE && endpoints.isEmpty(), "redis.url",
        "is required for redis.type " + typeText + " (the embedded redis-server is standalone)");
    String master = r.master() == null ? "" : r.master().strip();
    failIf(type == VaxflowConfig.Redis.Type.SENTINEL && master.isEmpty(), "redis.master",
        "is required for redis.type sentinel (the master name the sentinels monitor)");
    if (type != VaxflowConfig.Redis.Type.SENTINEL && !master.isEmpty()) throw fail("redis.master", "is only for redis.type sentinel");
    failIf(r.waitReplicas() > 0 && endpoints.isEmpty(), "redis.waitReplicas",
        "must be 0 with the embedded redis-server (it has no replicas)");
    return new VaxflowConfig.Redis(url, r.poolSize(), r.timeoutMs(), type, List.copyOf(endpoints), master, r.waitReplicas());
  }

  private Optional<Instant> clock(String clock) {
    String text = clock == null ? "" : clock.strip();
    if (text.isEmpty()) return Optional.empty();
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant()); // 2026-11-24T01:30:00Z or with an offset
    } catch (DateTimeParseException e) {
      throw fail("clock", "must be an ISO-8601 instant such as 2026-11-24T01:30:00Z, not " + quote(text));
    }
  }

  private List<SiteConfig> sites(List<Site> list, ZoneId timeZone) {
    if (list.isEmpty()) throw fail("sites", "at least one site is required");
    List<SiteConfig> sites = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String p = "sites[" + i + "]";
      Site s = list.get(i);
      String id = required(s.id(), p + ".id");
      failIf(!SITE_ID.matcher(id).matches(), p + ".id",
          "must be 2 to 32 characters: a lower-case letter, then lower-case letters, digits or -; not " + quote(id));
      unique(ids, id, p + ".id", "site id");
      String code = required(s.code(), p + ".code");
      if (!SITE_CODE.matcher(code).matches()) throw fail(p + ".code", "must be two capital letters (A-Z), not " + quote(code));
      unique(ids, code, p + ".code", "site code");
      String hp = p + ".hours";
      int opens = minuteOfDay(s.hours().open(), hp + ".open", false);
      int closes = minuteOfDay(s.hours().close(), hp + ".close", true);
      if (opens >= closes) {
        throw fail(hp, "open (" + s.hours().open() + ") must be before close (" + s.hours().close()
            + "); a site open around the clock has open \"00:00\", close \"24:00\"");
      }
      OpeningHours hours = new OpeningHours(opens, closes, timeZone);
      failIf(s.slotMin() > hours.minutes(), p + ".slotMin",
          "must not be longer than the opening hours (" + hours.openText() + "-" + hours.closeText() + ")");
      String remote = s.remote() == null ? "" : s.remote().strip();
      failIf(!remote.isEmpty() && !remote.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?"), p + ".remote",
          "must be the base URL of the Vaxflow server that runs the site, e.g. http://10.0.0.2:8080, not " + quote(remote));
      sites.add(new SiteConfig(id, code, lang(s.name(), p + ".name", true), lang(s.address(), p + ".address", false),
          s.lat(), s.lon(), s.walkIns(), hours, s.slotMin(), s.slotCapacity(), s.hallCapacity(), s.roomCapacity(),
          s.doors(), s.desks(), s.booths(), s.targetWaitMin(), remote.isEmpty() ? Optional.empty() : Optional.of(remote.replaceAll("/+$", ""))));
    }
    if (sites.stream().allMatch(SiteConfig::isRemote)) throw fail("sites", "at least one site must be run by this server (without remote)");
    return List.copyOf(sites);
  }

  private List<StaffAccount> staff(List<Staff> list, List<SiteConfig> sites) {
    if (list.isEmpty()) LOG.warn("{}: no staff accounts: nobody can log in to the staff screens", fileName);
    Set<String> siteIds = new LinkedHashSet<>(sites.stream().map(SiteConfig::id).toList());
    List<StaffAccount> out = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String p = "staff[" + i + "]";
      Staff s = list.get(i);
      String id = required(s.id(), p + ".id");
      failIf(!STAFF_ID.matcher(id).matches(), p + ".id",
          "must be 2 to 32 characters: a lower-case letter, then lower-case letters, digits, _ or -; not " + quote(id));
      unique(ids, id, p + ".id", "staff id");
      failIf(!PinHash.wellFormed(required(s.pinHash(), p + ".pinHash")), p + ".pinHash",
          "must be a PIN hash as printed by: java -cp target/vaxflow.jar io.vaxflow.security.PinHash <pin>");
      if (s.roles().isEmpty()) throw fail(p + ".roles", "at least one role is required (door, desk, vaccinator, observer, manager, admin)");
      EnumSet<StaffAccount.Role> roles = EnumSet.noneOf(StaffAccount.Role.class);
      for (String r : s.roles()) {
        try {
          roles.add(StaffAccount.Role.of(r));
        } catch (IllegalArgumentException | NullPointerException e) {
          throw fail(p + ".roles", "unknown role " + quote(String.valueOf(r)) + " (door, desk, vaccinator, observer, manager, admin)");
        }
      }
      if (s.sites().isEmpty()) throw fail(p + ".sites", "at least one site id (or \"*\" for every site) is required");
      for (String site : s.sites()) {
        failIf(!"*".equals(site) && !siteIds.contains(site), p + ".sites",
            "unknown site " + quote(String.valueOf(site)) + " (sites: " + String.join(", ", siteIds) + ", or *)");
      }
      String name = s.name() == null ? id : s.name();
      if (name.isBlank()) throw fail(p + ".name", "must not be empty");
      out.add(new StaffAccount(id, name, s.pinHash(), Collections.unmodifiableSet(roles),
          Collections.unmodifiableSet(new LinkedHashSet<>(s.sites()))));
    }
    return List.copyOf(out);
  }

  /** A time of day HH:mm as minutes since midnight; "24:00" (1440, the end of the day) only where {@code endOfDay}. */
  private int minuteOfDay(String value, String path, boolean endOfDay) {
    String text = value == null ? "" : value.strip();
    if (text.equals("24:00")) {
      if (endOfDay) return OpeningHours.DAY_MINUTES;
      throw fail(path, "24:00 is the end of a day, only a closing time; a site open around the clock opens at 00:00");
    }
    try {
      return LocalTime.parse(text, HH_MM).toSecondOfDay() / 60;
    } catch (DateTimeParseException e) {
      throw fail(path, (endOfDay ? "must be a time of day HH:mm from 00:01 to 24:00, e.g. 17:00"
          : "must be a time of day HH:mm from 00:00 to 23:59, e.g. 08:00") + "; not " + quote(text));
    }
  }

  /** A text in several languages: language codes as keys, non-empty texts, zh and en where {@code required}. */
  private Map<String, String> lang(Map<String, String> texts, String path, boolean required) {
    if (texts == null) throw fail(path, "is required, with zh and en");
    Map<String, String> out = new LinkedHashMap<>();
    texts.forEach((lang, text) -> {
      if (!LANG.matcher(lang).matches()) throw fail(path + "." + lang, "unknown key (expected a language code such as zh or en)");
      if (text == null || text.isBlank()) throw fail(path + "." + lang, "must be non-empty text");
      out.put(lang, text.strip());
    });
    for (String need : required ? List.of("zh", "en") : List.<String>of()) {
      if (!out.containsKey(need)) throw fail(path + "." + need, "is required");
    }
    return Collections.unmodifiableMap(out);
  }
}
