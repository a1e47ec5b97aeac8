package io.vaxflow.config;

import static io.vaxflow.config.Checked.require;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.deser.*;
import com.fasterxml.jackson.databind.deser.std.*;
import com.fasterxml.jackson.databind.exc.*;
import com.fasterxml.jackson.databind.introspect.*;
import com.fasterxml.jackson.databind.module.*;
import com.fasterxml.jackson.databind.node.*;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.StdConverter;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.*;
import java.nio.charset.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.function.*;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code config/vaxflow.yaml} into a validated {@link VaxflowConfig}; every problem is a
 * {@link ConfigException} naming the file, the key and the reason, so a bad config fails at start.
 * The config records are the one schema: their {@link Setting}s give each value's default and range, their
 * {@link Checked#check} the rules their types cannot say. The file is read as a Jackson tree and laid over the
 * defaults; environment overrides are set on that tree; every number is checked against its range; Jackson binds
 * the tree into the records (an unknown key fails there) and checks each record as it is bound.
 *
 * <p>Environment overrides (names match case-insensitively; blank values are ignored): the short names
 * {@code HTTP_PORT, PUBLIC_URL, REDIS_URL, REDIS_TYPE, REDIS_MASTER, REDIS_WAIT_REPLICAS, DATA_DIR, VOUCHER_SECRET,
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
  private static final Map<String, String> NAMED_ENV = Map.ofEntries(
      Map.entry("HTTP_PORT", "http.port"),
      Map.entry("PUBLIC_URL", "http.publicUrl"),
      Map.entry("REDIS_URL", "redis.url"),
      Map.entry("REDIS_TYPE", "redis.type"),
      Map.entry("REDIS_MASTER", "redis.master"),
      Map.entry("REDIS_WAIT_REPLICAS", "redis.waitReplicas"),
      Map.entry("DATA_DIR", "dataDir"),
      Map.entry("VOUCHER_SECRET", "voucherSecret"),
      Map.entry("CLOCK", "clock"),
      Map.entry("CLOCK_RATE", "clockRate"),
      Map.entry("SIMULATE", "simulate"),
      Map.entry("DEMO", "demo"));

  private static final YAMLMapper MAPPER = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
      DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).addModule(bindings()).build();

  /** A value of the config: its type, its {@link Setting} (null: none declared) and whether the file must give it. */
  record Leaf(Class<?> type, Setting setting, boolean required) {
    boolean number() { return type.isPrimitive() ? type != boolean.class && type != char.class : Number.class.isAssignableFrom(type); }

    boolean whole() { return type != double.class && type != float.class && type != Double.class && type != Float.class; }
  }

  /** Every value of the config by its rule path ({@code http.port}, {@code sites[].hallCapacity}). */
  static final Map<String, Leaf> LEAVES = new LinkedHashMap<>();
  /** The defaults of every value, read from the records; a list of records holds one entry, the template of each. */
  static final JsonNode DEFAULT_TREE = defaults(MAPPER.constructType(VaxflowConfig.class), "");

  /** The defaults of {@code type}'s values, from the {@link Setting}s of the parameters its record is bound by. */
  private static ObjectNode defaults(JavaType type, String rule) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (BeanPropertyDefinition p : MAPPER.getDeserializationConfig().introspect(type).findProperties()) {
      AnnotatedParameter param = p.getConstructorParameter();
      if (param == null || param.hasAnnotation(JacksonInject.class)) continue;
      JavaType t = p.getPrimaryType();
      String r = dot(rule, p.getName());
      Setting setting = param.getAnnotation(Setting.class);
      boolean required = setting == null || setting.value().equals(Setting.REQUIRED);
      JsonNode value = required ? NullNode.instance : read(setting.value());
      if (t.isRecordType()) {
        value = value.isNull() ? defaults(t, r) : merge(defaults(t, r), value);
      } else if (t.isCollectionLikeType() && t.getContentType().isRecordType()) {
        value = JsonNodeFactory.instance.arrayNode().add(defaults(t.getContentType(), r + "[]"));
      } else {
        LEAVES.put(r, new Leaf(t.getRawClass(), setting, required));
      }
      out.set(p.getName(), value);
    }
    return out;
  }

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
    VaxflowConfig config;
    try {
      config = bind(checkScalars(tree, "", ""));
    } catch (ConfigException e) { // a rule broken at its key in the config
      throw loader.fail(e.key(), e.reason());
    }
    if (config.staff().isEmpty()) LOG.warn("{}: no staff accounts: nobody can log in to the staff screens", loader.fileName);
    return config;
  }

  /**
   * The tree bound into the records, each one checked as it is bound, the sites' hours in the config's time zone;
   * a problem is a {@link ConfigException#at} its key in the config.
   */
  private static VaxflowConfig bind(JsonNode tree) {
    ZoneId zone = null;
    try {
      zone = MAPPER.treeToValue(tree.get("timeZone"), ZoneId.class);
    } catch (JacksonException | ConfigException e) {
      // binding timeZone below reports it
    }
    try {
      return MAPPER.readerFor(VaxflowConfig.class).with(new InjectableValues.Std().addValue(ZoneId.class, zone)).readValue(tree);
    } catch (JsonMappingException e) {
      throw bindingError(e, tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a tree is not read from a stream
    }
  }

  /** How the JDK types in the records bind from text; {@link Checked#check} on each record right after it is bound. */
  private static SimpleModule bindings() {
    SimpleDeserializers jdk = new SimpleDeserializers() {
      @Override
      public JsonDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config, BeanDescription bean)
          throws JsonMappingException {
        if (!type.hasRawClass(Optional.class)) return super.findBeanDeserializer(type, config, bean);
        JavaType content = type.containedTypeOrUnknown(0); // Optional<T>: empty for empty text, else the T its stripped text binds to
        return converter(String.class, t -> t.isBlank() ? Optional.empty() : Optional.of(MAPPER.convertValue(t.strip(), content)), null);
      }
    };
    text(jdk, ZoneId.class, t -> ZoneId.of(t.strip()), (t, e) -> "unknown time zone " + t + " (use a region id such as Asia/Shanghai)");
    text(jdk, Instant.class, t -> OffsetDateTime.parse(t.strip()).toInstant(), // 2026-11-24T01:30:00Z or with an offset
        (t, e) -> "must be an ISO-8601 instant such as 2026-11-24T01:30:00Z, not " + Checked.quote(t));
    text(jdk, Path.class, Path::of, (t, e) -> "is not a valid path: " + (e instanceof InvalidPathException p ? p.getReason() : e));
    SimpleModule m = new SimpleModule("vaxflow-config");
    m.setDeserializers(jdk);
    m.addAbstractTypeMapping(Set.class, LinkedHashSet.class); // sets keep the file's order
    return m.setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription bean, JsonDeserializer<?> d) {
        return !Checked.class.isAssignableFrom(bean.getBeanClass()) ? d : converter(bean.getBeanClass(), value -> {
          ((Checked) value).check();
          return value;
        }, d);
      }
    });
  }

  /** {@code type} bound from non-empty text by {@code parse}; when that throws, {@code reason} says why for the text. */
  private static <T> void text(SimpleDeserializers jdk, Class<T> type, Function<String, T> parse,
      BiFunction<String, RuntimeException, String> reason) {
    jdk.addDeserializer(type, converter(String.class, text -> {
      require(!text.isBlank(), "", "is required (empty)");
      try {
        return parse.apply(text);
      } catch (RuntimeException e) {
        throw ConfigException.at("", reason.apply(text, e));
      }
    }, null));
  }

  /** Binds an {@code in} (with {@code bound}, or the deserializer of its type), then {@code convert}s it. */
  private static <I, T> StdDelegatingDeserializer<T> converter(Class<I> in, Function<I, T> convert, JsonDeserializer<?> bound) {
    return new StdDelegatingDeserializer<>(new StdConverter<Object, T>() {
      @Override
      public T convert(Object value) {
        return convert.apply(in.cast(value));
      }

      @Override
      public JavaType getInputType(TypeFactory types) {
        return types.constructType(in);
      }
    }, bound == null ? null : TypeFactory.defaultInstance().constructType(in), bound);
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
    } catch (IOException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof CharacterCodingException) throw new ConfigException(fileName, "(syntax)", "not valid UTF-8", e);
      }
      if (!(e instanceof JacksonException syntax)) throw new ConfigException(fileName, "(file)", "cannot be read: " + e, e);
      String problem = syntax.getCause() instanceof MarkedYAMLException m && m.getProblem() != null
          ? m.getProblem().strip() + (m.getContext() == null ? "" : " (" + m.getContext().strip() + ")")
          : syntax.getOriginalMessage().replaceAll("(?s)Duplicate field '(.*?)'.*", "duplicate key $1");
      JsonLocation at = syntax.getLocation();
      String where = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      throw new ConfigException(fileName, "(syntax)", where + problem, e);
    }
    if (doc == null || doc.isMissingNode() || doc.isNull()) return JsonNodeFactory.instance.objectNode();
    if (!doc.isObject()) throw new ConfigException(fileName, "(root)", "must be a mapping of keys to values");
    return doc;
  }

  /** {@code file} laid over {@code defaults}; a null in the file is an absent key; template lists apply to each entry. */
  private static JsonNode merge(JsonNode defaults, JsonNode file) {
    boolean template = defaults.isArray() && defaults.size() == 1 && defaults.get(0).isObject();
    if (file == null || file.isNull()) return template ? JsonNodeFactory.instance.arrayNode() : defaults.isObject()
        ? merge(defaults, JsonNodeFactory.instance.objectNode()) : defaults.deepCopy(); // a record's lists of records start empty
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
    Map<String, String> vars = new TreeMap<>(Comparator.comparing((String k) -> !k.startsWith(GENERIC_PREFIX)).thenComparing(k -> k));
    env.forEach((var, value) -> {
      String upper = var == null || value == null || value.isBlank() ? "" : var.toUpperCase(Locale.ROOT);
      if (upper.startsWith(GENERIC_PREFIX) || NAMED_ENV.containsKey(upper)) vars.put(upper, var);
    });
    grow(root, DEFAULT_TREE, "VAXFLOW", vars.keySet());
    Map<String, Target> targets = new HashMap<>();
    index(root, "VAXFLOW", null, null, "", targets);
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

  /**
   * A list of records gets entries from the environment after the file's, by index: with no webhook in the
   * file, {@code VAXFLOW_WEBHOOKS_0_URL}, {@code VAXFLOW_WEBHOOKS_0_EVENTS}, {@code VAXFLOW_WEBHOOKS_0_SECRET}
   * add entry 0 (its defaults, then those values). Indices follow on from the file's entries without a gap.
   */
  private static void grow(ObjectNode node, JsonNode defaults, String env, Set<String> vars) {
    node.properties().forEach(f -> {
      JsonNode d = defaults.get(f.getKey());
      String name = env + "_" + norm(f.getKey());
      if (d == null) return;
      if (f.getValue() instanceof ObjectNode child) {
        grow(child, d, name, vars);
      } else if (f.getValue() instanceof ArrayNode list && d.isArray() && d.size() == 1 && d.get(0).isObject()) {
        while (true) {
          String entry = name + "_" + list.size() + "_";
          if (vars.stream().noneMatch(v -> v.startsWith(entry))) break;
          list.add(merge(d.get(0), JsonNodeFactory.instance.objectNode()));
        }
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

  /**
   * Every value checked against its {@link Leaf}: a required one given, a number within its range, a switch true or
   * false; text (from the environment) becomes typed, texts by language are stripped.
   */
  private static JsonNode checkScalars(JsonNode node, String path, String rule) {
    if (node instanceof ObjectNode obj) {
      obj.properties().forEach(f -> f.setValue(checkScalars(f.getValue(), dot(path, f.getKey()), dot(rule, f.getKey()))));
    } else if (node instanceof ArrayNode list) {
      for (int i = 0; i < list.size(); i++) list.set(i, checkScalars(list.get(i), path + "[" + i + "]", rule + "[]"));
    }
    Leaf leaf = LEAVES.get(rule);
    String text = node.asText().strip();
    if (leaf == null) {
      return node;
    } else if (node.isNull() || node.isTextual() && text.isEmpty() && leaf.required() && !leaf.number()) {
      require(!leaf.required(), path, node.isNull() ? "is required" : "is required (empty)");
    } else if (leaf.number()) {
      boolean whole = leaf.whole();
      boolean ok = whole ? node.isIntegralNumber() && node.canConvertToLong() || node.isTextual() && text.matches("[-+]?[0-9]{1,12}")
          : node.isNumber() && !node.isBigInteger() || node.isTextual() && text.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
      double d = ok ? Double.parseDouble(text) : Double.NaN;
      Setting range = leaf.setting();
      require(ok && Double.isFinite(d) && d >= range.min() && d <= range.max(), path,
          "must be a " + (whole ? "whole " : "") + "number from " + fmt(range.min()) + " to " + fmt(range.max()));
      return whole ? LongNode.valueOf((long) d) : DoubleNode.valueOf(d);
    } else if (leaf.type() == boolean.class && node.isTextual()) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> BooleanNode.TRUE;
        case "false", "no", "off", "0" -> BooleanNode.FALSE;
        default -> throw ConfigException.at(path, "must be true or false");
      };
    } else if (node instanceof ObjectNode texts && Map.class.isAssignableFrom(leaf.type())) {
      texts.properties().forEach(f -> f.setValue(f.getValue().isTextual() ? TextNode.valueOf(f.getValue().asText().strip()) : f.getValue()));
    }
    return node;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** A Jackson binding error as the key in the config (today's {@code sites[1].boths} form) and the reason. */
  private static ConfigException bindingError(JsonMappingException e, JsonNode tree) {
    StringBuilder keys = new StringBuilder();
    JsonNode at = tree;
    for (JsonMappingException.Reference r : e.getPath()) {
      boolean field = r.getFieldName() != null;
      keys.append(field ? (keys.length() == 0 ? "" : ".") + r.getFieldName() : "[" + r.getIndex() + "]");
      at = field ? at.path(r.getFieldName()) : at.path(r.getIndex());
    }
    String path = keys.toString();
    for (Throwable c = e; c != null; c = c.getCause()) { // a record's rule, at a key within it
      if (c instanceof ConfigException rule) return ConfigException.at(rule.key().isEmpty() ? path : dot(path, rule.key()), rule.reason());
    }
    Class<?> type = e instanceof MismatchedInputException m && m.getTargetType() != null ? m.getTargetType()
        : e instanceof ValueInstantiationException v ? v.getType().getRawClass() : Void.class;
    return ConfigException.at(path, e instanceof UnrecognizedPropertyException u ? "unknown key" + hint(u.getPropertyName(), u.getKnownPropertyIds())
        : at.isNull() || at.isMissingNode() ? "is required"
        : type == String.class || type == Optional.class ? "must be text"
        : type == boolean.class || type == Boolean.class ? "must be true or false"
        : type.isEnum() ? "must be " + choices(type) + ", not " + Checked.quote(at.asText())
        : Collection.class.isAssignableFrom(type) ? "must be a list, e.g. [a, b]"
        : Map.class.isAssignableFrom(type) || type.isRecord() ? "must be a mapping of keys to values"
        : e.getOriginalMessage());
  }

  /** An enum's values as a reason lists them: "standalone, cluster or sentinel". */
  private static String choices(Class<?> type) {
    List<String> names = Arrays.stream(type.getEnumConstants()).map(c -> c.toString().toLowerCase(Locale.ROOT)).toList();
    return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
  }

  private static String hint(String key, Collection<Object> known) {
    return known.stream().filter(k -> String.valueOf(k).equalsIgnoreCase(key)).findFirst().map(k -> " (did you mean " + k + "?)")
        .orElse(" (known: " + String.join(", ", known.stream().map(String::valueOf).sorted().toList()) + ")");
  }

  /** A problem at {@code path}; a value from the environment (or an entry of a list from it) is named by its variable. */
  private ConfigException fail(String path, String reason) {
    String var = fromEnv.getOrDefault(path, fromEnv.get(path.replaceFirst("\\[[0-9]+]$", "")));
    return var == null ? new ConfigException(fileName, path, reason)
        : new ConfigException(fileName, var, reason + " (environment override of " + path + ")");
  }
}
