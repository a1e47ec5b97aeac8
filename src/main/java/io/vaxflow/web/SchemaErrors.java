package io.vaxflow.web;

import io.vaxflow.flow.Rejection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a schema failure reads: the field it names (the body field, parameter or header; {@code body}
 * for the body as a whole) and a sentence a person can act on, built from the failing keyword and
 * the schema's own limits ("dose must be a whole number from 1 to 4.").
 */
final class SchemaErrors {

  /** Keywords that fail on their own (the others only say that something below them failed). */
  private static final Set<String> LEAVES = Set.of("type", "enum", "const", "required", "minLength", "maxLength",
      "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems",
      "maxItems", "minProperties", "maxProperties", "dependentRequired", "uniqueItems");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern CONTROL = Pattern.compile("[\\u0000-\\u0008\\u000A-\\u001F\\u007F-\\u009F\\u2028\\u2029]");

  private final JsonObject document;
  private final JsonSchema root;

  /** {@code root}: the schema that failed, inside {@code document} (its {@code $ref}s point there). */
  SchemaErrors(JsonObject document, JsonSchema root) {
    this.document = document;
    this.root = root;
  }

  /** The body broke its schema: 400 INVALID_INPUT naming the field. */
  Rejection rejection(OutputUnit out, Object body) {
    OutputUnit leaf = leaf(out);
    String field = field(leaf);
    return Rejection.invalid(field, message(leaf, at(body, leaf.getInstanceLocation()), field));
  }

  /** The sentence for a parameter (or other single value) that broke its schema. */
  String parameterMessage(OutputUnit out, Object value, String name) {
    return message(leaf(out), value, name);
  }

  /** The first error that is a failure of its own; with several, the first in the schema's order. */
  private OutputUnit leaf(OutputUnit out) {
    List<OutputUnit> errors = out.getErrors() == null ? List.of() : out.getErrors();
    for (OutputUnit e : errors) {
      String k = keyword(e);
      if (LEAVES.contains(k) || k.equals("additionalProperties") && Boolean.FALSE.equals(schemaAt(e.getKeywordLocation()))) {
        return e;
      }
    }
    return errors.isEmpty() ? new OutputUnit("", null, "", "invalid", null) : errors.get(errors.size() - 1);
  }

  private static String keyword(OutputUnit e) {
    String k = e.getKeywordLocation() == null ? "" : e.getKeywordLocation();
    return k.substring(k.lastIndexOf('/') + 1);
  }

  /** The field the error is about: the property missing or unknown, else the last name in its location. */
  private String field(OutputUnit e) {
    String k = keyword(e);
    if (k.equals("required") || k.equals("dependentRequired")) {
      List<String> quoted = quoted(e.getError());
      if (!quoted.isEmpty()) return quoted.get(quoted.size() - 1);
    }
    List<String> path = pointer(e.getInstanceLocation());
    for (int i = path.size() - 1; i >= 0; i--) {
      if (!path.get(i).matches("[0-9]+")) return path.get(i);
    }
    return "body";
  }

  private String message(OutputUnit e, Object value, String field) {
    String k = keyword(e);
    JsonObject s = parentOf(e.getKeywordLocation());
    return switch (k) {
      case "required" -> field + " is required.";
      case "dependentRequired" -> "Give both " + quoted(e.getError()).get(0) + " and " + field + ".";
      case "additionalProperties" -> "Unknown field " + field.substring(0, Math.min(field.length(), 32)) + ".";
      case "minProperties" -> "Give " + or(s.getJsonObject("properties", new JsonObject()).fieldNames()) + ".";
      case "maxLength" -> field + " is longer than " + s.getValue("maxLength") + " characters.";
      case "minLength" -> field + " is empty.";
      case "pattern" -> value instanceof String v && CONTROL.matcher(v).find() ? field + " contains control characters."
          : value instanceof String v && v.isBlank() ? field + " is empty." : field + " is not in the expected form.";
      case "enum" -> field + " must be " + or(s.getJsonArray("enum").stream().map(String::valueOf).toList()) + ".";
      case "const" -> field + " must be " + s.getValue("const") + ".";
      case "format" -> "date".equals(s.getString("format")) ? field + " must be a date like 2026-11-24." : type(s, field);
      case "minItems", "maxItems" -> field + " has " + (k.equals("minItems") ? "too few" : "too many") + " items.";
      case "type" -> e.getInstanceLocation().isEmpty() && "object".equals(s.getValue("type"))
          ? "The body must be a JSON object." : type(s, field);
      default -> type(s, field);
    };
  }

  /** What the schema's type takes, with its range: "dose must be a whole number from 1 to 4." */
  private static String type(JsonObject s, String field) {
    Object t = s.getValue("type");
    String range = s.containsKey("minimum") && s.containsKey("maximum")
        ? " from " + s.getValue("minimum") + " to " + s.getValue("maximum") : "";
    if ("integer".equals(t)) return field + " must be a whole number" + range + ".";
    if ("number".equals(t)) return field + " must be a number" + range + ".";
    if ("boolean".equals(t)) return field + " must be true or false.";
    if ("string".equals(t)) return field + " must be a string.";
    if ("array".equals(t)) return field + " must be a list.";
    if ("object".equals(t)) return field + " must be an object.";
    return field + " is not valid.";
  }

  /** The schema holding the failing keyword. */
  private JsonObject parentOf(String keywordLocation) {
    List<String> path = pointer(keywordLocation);
    if (!path.isEmpty()) path.remove(path.size() - 1);
    Object s = walk(path);
    return s instanceof JsonObject o ? o : new JsonObject();
  }

  private Object schemaAt(String keywordLocation) {
    return walk(pointer(keywordLocation));
  }

  private Object walk(List<String> path) {
    if (root == null) return null;
    Object node = root;
    for (String seg : path) {
      if (seg.equals("$ref")) {
        // a reference within the document ("#/components/schemas/Dose"), or (as the contract's loader
        // resolves them) a node that already is the schema it refers to
        if (ref(node) instanceof String ref && ref.contains("#/")) node = walkFrom(document, pointer(ref.substring(ref.indexOf('#'))));
        continue;
      }
      if (node instanceof JsonSchema js) node = js.get(seg);
      else if (node instanceof JsonObject o) node = o.getValue(seg);
      else if (node instanceof JsonArray a && seg.matches("[0-9]+") && Integer.parseInt(seg) < a.size()) node = a.getValue(Integer.parseInt(seg));
      else return null;
    }
    return node instanceof JsonSchema js ? new JsonObject(js.fieldNames().stream()
        .collect(Collectors.toMap(f -> f, f -> (Object) js.get(f)))) : node;
  }

  private static Object ref(Object node) {
    // the loader's reference objects answer the target for "$ref"; their map keeps the reference itself
    return node instanceof JsonSchema js ? js.get("$ref") : node instanceof JsonObject o ? o.getMap().get("$ref") : null;
  }

  /** The value at a JSON pointer in the instance. */
  private static Object at(Object instance, String location) {
    return walkFrom(instance, pointer(location));
  }

  private static Object walkFrom(Object start, List<String> path) {
    Object node = start;
    for (String seg : path) {
      if (node instanceof JsonObject o) node = o.getValue(seg);
      else if (node instanceof JsonArray a && seg.matches("[0-9]+") && Integer.parseInt(seg) < a.size()) node = a.getValue(Integer.parseInt(seg));
      else return null;
    }
    return node;
  }

  /** A JSON pointer's segments ("#/properties/a~1b" → [properties, a/b]). */
  private static List<String> pointer(String location) {
    List<String> out = new ArrayList<>();
    if (location == null) return out;
    String p = location.startsWith("#") ? location.substring(1) : location;
    for (String seg : p.split("/")) {
      if (!seg.isEmpty()) out.add(seg.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static List<String> quoted(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = QUOTED.matcher(text == null ? "" : text);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  /** "a, b or c". */
  private static String or(java.util.Collection<String> words) {
    List<String> w = new ArrayList<>(words);
    if (w.size() <= 1) return String.join("", w);
    return String.join(", ", w.subList(0, w.size() - 1)) + " or " + w.get(w.size() - 1);
  }
}
