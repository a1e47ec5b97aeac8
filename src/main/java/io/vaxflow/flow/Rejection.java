package io.vaxflow.flow;

import io.vertx.core.json.JsonObject;

/**
 * A request the domain refuses, with the API's error code and its details (e.g.
 * {@code VOUCHER_WRONG_SITE} with {@code siteId}). The web layer maps the code to its HTTP status.
 */
public final class Rejection extends RuntimeException {

  private final String code;
  private final JsonObject details;

  public Rejection(String code, String message, JsonObject details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details == null ? new JsonObject() : details;
  }

  public Rejection(String code, String message) {
    this(code, message, null);
  }

  /** 400 INVALID_INPUT naming the field. */
  public static Rejection invalid(String field, String message) {
    return new Rejection("INVALID_INPUT", message, new JsonObject().put("field", field));
  }

  public String code() {
    return code;
  }

  public JsonObject details() {
    return details;
  }
}
