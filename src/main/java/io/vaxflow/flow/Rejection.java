package io.vaxflow.flow;

import io.vaxflow.config.OpeningHours;
import io.vaxflow.config.SiteConfig;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;

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

  /**
   * 409 SITE_CLOSED: the site is outside its opening hours at {@code now}; {@code opensAt} is when
   * it next opens (ISO-8601 with the site's offset), with its {@code hours}.
   */
  public static Rejection siteClosed(SiteConfig site, Instant now) {
    OpeningHours h = site.hours();
    OffsetDateTime opensAt = OffsetDateTime.ofInstant(h.opensAt(now), h.zone());
    return new Rejection("SITE_CLOSED", site.name("en") + " is closed now. It opens at "
        + h.openText() + " on " + opensAt.toLocalDate() + " (open " + h.openText() + "-" + h.closeText() + ").",
        new JsonObject().put("siteId", site.id()).put("opensAt", opensAt.toString())
            .put("hours", new JsonObject().put("open", h.openText()).put("close", h.closeText())));
  }

  public String code() {
    return code;
  }

  public JsonObject details() {
    return details;
  }
}
