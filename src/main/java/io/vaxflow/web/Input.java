package io.vaxflow.web;

import io.vaxflow.flow.Rejection;
import io.vaxflow.security.IdDocument;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Reading request input that the API's contract has already checked ({@link RequestCheck}: types,
 * required fields, lengths, forms, ranges, unknown fields, each a 400 INVALID_INPUT naming the
 * field). Texts come stripped. What a schema cannot say (a calendar day's range, fields that go
 * together, a station of this site) the routes check themselves, with {@link io.vaxflow.flow.Rejection#invalid}.
 */
final class Input {

  private Input() {}

  /** The request body as the contract checked it: a JSON object. */
  static JsonObject body(RoutingContext ctx) {
    if (!(ctx.get(RequestCheck.BODY) instanceof JsonObject body)) {
      throw new IllegalStateException(ctx.request().path() + ": the contract gives this route no JSON object body");
    }
    return body;
  }

  /** A required text, stripped. */
  static String text(JsonObject o, String field) {
    return o.getString(field).strip();
  }

  /** An optional text, stripped. */
  static Optional<String> optionalText(JsonObject o, String field) {
    return Optional.ofNullable(o.getString(field)).map(String::strip);
  }

  static Optional<Double> number(JsonObject o, String field) {
    return o.getValue(field) instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
  }

  static Optional<Integer> integer(JsonObject o, String field) {
    return o.getValue(field) instanceof Number n ? Optional.of(n.intValue()) : Optional.empty();
  }

  /**
   * The identity document of a body ({@code idType}, default resident) with its {@code idNumber} checked: a resident
   * ID by GB 11643 (check digit, province, birth date), another document by its form; else 400 naming idNumber.
   */
  static IdDocument idDocument(JsonObject o, LocalDate today) {
    IdDocument type = IdDocument.of(o.getString("idType", "resident"))
        .orElseThrow(() -> Rejection.invalid("idType", "idType is not a document type we take."));
    String number = text(o, "idNumber");
    type.problem(number, today).ifPresent(p -> {
      throw Rejection.invalid("idNumber", "idNumber " + p);
    });
    return type;
  }

  /** An optional true/false field (absent: false). */
  static boolean flag(JsonObject o, String field) {
    return o.getBoolean(field, false);
  }
}
