package io.vaxflow.flow;

import io.vaxflow.config.OpeningHours;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.errors.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A request the domain refuses, with the API's error code and its details (e.g.
 * {@code VOUCHER_WRONG_SITE} with {@code siteId}). The code's HTTP status comes from {@link ErrorCode}.
 */
public final class Rejection extends RuntimeException {

  private final String code;
  private final JsonObject details;

  public Rejection(ErrorCode code, String message, JsonObject details) {
    this(code.code(), message, details);
  }

  public Rejection(ErrorCode code, String message) {
    this(code.code(), message, null);
  }

  /** With the catalogue's English message. */
  public Rejection(ErrorCode code, JsonObject details) {
    this(code.code(), code.message(), details);
  }

  /**
   * A code by name: one a remote site or a script answered (it may be outside the catalogue;
   * such a code leaves as 400).
   */
  public Rejection(String code, String message, JsonObject details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details == null ? new JsonObject() : details;
  }

  public Rejection(String code, String message) {
    this(code, message, null);
  }

  /** With the catalogue's message and no details. */
  public static Rejection of(ErrorCode code) {
    return new Rejection(code, (JsonObject) null);
  }

  /** 400 INVALID_INPUT naming the field. */
  public static Rejection invalid(String field, String message) {
    return new Rejection(ErrorCode.INVALID_INPUT, message, new JsonObject().put("field", field));
  }

  /**
   * 409 SITE_CLOSED: the site is outside its opening hours at {@code now}; {@code opensAt} is when
   * it next opens (ISO-8601 with the site's offset), with its {@code hours}.
   */
  public static Rejection siteClosed(SiteConfig site, Instant now) {
    OpeningHours h = site.hours();
    OffsetDateTime opensAt = OffsetDateTime.ofInstant(h.opensAt(now), h.zone());
    return new Rejection(ErrorCode.SITE_CLOSED, site.name("en") + " is closed now. It opens at "
        + h.openText() + " on " + opensAt.toLocalDate() + " (open " + h.openText() + "-" + h.closeText() + ").",
        new JsonObject().put("siteId", site.id()).put("opensAt", opensAt.toString())
            .put("hours", new JsonObject().put("open", h.openText()).put("close", h.closeText())));
  }

  public String code() {
    return code;
  }

  /** The code in the catalogue, if it is one. */
  public java.util.Optional<ErrorCode> errorCode() {
    return ErrorCode.of(code);
  }

  /** Whether this is a rejection with that code. */
  public boolean is(ErrorCode c) {
    return c.code().equals(code);
  }

  /** The HTTP status of the code (400 for a code outside the catalogue). */
  public int status() {
    return errorCode().map(ErrorCode::status).orElse(400);
  }

  public JsonObject details() {
    return details;
  }
}
