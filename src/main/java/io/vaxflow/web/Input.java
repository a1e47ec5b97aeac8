package io.vaxflow.web;

import io.vaxflow.flow.Rejection;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reading request input strictly: every problem is a 400 INVALID_INPUT naming the field. */
public final class Input {

  /** Names: letters of any script, spaces and the marks names use (· . ' -). No markup, no controls. */
  static final Pattern NAME = Pattern.compile("[\\p{L}\\p{M}][\\p{L}\\p{M} ·.'\\-]{0,63}");
  static final Pattern ID_NUMBER = Pattern.compile("[0-9A-Za-z]{6,24}");
  static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 \\-]{4,19}");
  static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  static final Pattern TICKET = Pattern.compile("[APW][0-9]{3,5}");
  // stream ids are two unsigned 64-bit numbers; 19 digits always fit, 20 may not (Redis then errs)
  public static final Pattern EVENT_ID = io.vaxflow.store.EventStream.ID;
  static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_\\-]{8,64}");

  private Input() {}

  /** The request body as a JSON object. */
  static JsonObject body(RoutingContext ctx) {
    // an empty body has no buffer at all (length -1), not a zero-length one
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
      throw Rejection.invalid("body", "A JSON object is required.");
    }
    Object v;
    try {
      v = Json.decodeValue(ctx.body().buffer());
    } catch (DecodeException e) {
      throw Rejection.invalid("body", "The body is not valid JSON.");
    }
    if (!(v instanceof JsonObject o)) throw Rejection.invalid("body", "The body must be a JSON object.");
    return o;
  }

  static String text(JsonObject o, String field, int max, Pattern form) {
    return optionalText(o, field, max, form)
        .orElseThrow(() -> Rejection.invalid(field, field + " is required."));
  }

  static Optional<String> optionalText(JsonObject o, String field, int max, Pattern form) {
    Object v = o.getValue(field);
    if (v == null) return Optional.empty();
    if (!(v instanceof String s)) throw Rejection.invalid(field, field + " must be a string.");
    if (s.length() > max) throw Rejection.invalid(field, field + " is longer than " + max + " characters.");
    if (s.chars().anyMatch(Input::control)) throw Rejection.invalid(field, field + " contains control characters.");
    String t = s.strip();
    if (t.isEmpty()) throw Rejection.invalid(field, field + " is empty.");
    if (form != null && !form.matcher(t).matches()) throw Rejection.invalid(field, field + " is not in the expected form.");
    return Optional.of(t);
  }

  static int integer(JsonObject o, String field, int min, int max) {
    Object v = o.getValue(field);
    if (v == null) throw Rejection.invalid(field, field + " is required.");
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      throw Rejection.invalid(field, field + " must be a whole number from " + min + " to " + max + ".");
    }
    return ((Number) v).intValue();
  }

  static Optional<Double> number(JsonObject o, String field, double min, double max) {
    Object v = o.getValue(field);
    if (v == null) return Optional.empty();
    if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
      throw Rejection.invalid(field, field + " must be a number from " + min + " to " + max + ".");
    }
    return Optional.of(n.doubleValue());
  }

  /** An optional true/false field (absent: false). */
  static boolean flag(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) return false;
    if (!(v instanceof Boolean b)) throw Rejection.invalid(field, field + " must be true or false.");
    return b;
  }

  /** A path or query parameter that must match its form, else the given rejection. */
  static String param(String value, Pattern form, Rejection otherwise) {
    if (value == null || value.length() > 64 || !form.matcher(value).matches()) throw otherwise;
    return value;
  }

  static boolean control(int c) {
    return (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
  }
}
