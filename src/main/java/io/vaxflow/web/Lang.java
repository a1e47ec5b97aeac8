package io.vaxflow.web;

import io.vertx.ext.web.RoutingContext;

/** The page language: ?lang=zh|en, else the first of Accept-Language that we speak, else English. */
final class Lang {

  private Lang() {}

  static String of(RoutingContext ctx) {
    String q = ctx.request().getParam("lang");
    if ("zh".equals(q) || "en".equals(q)) return q;
    String accept = ctx.request().getHeader("Accept-Language");
    if (accept != null) {
      for (String part : accept.split(",")) {
        String tag = part.strip().toLowerCase();
        if (tag.startsWith("zh")) return "zh";
        if (tag.startsWith("en")) return "en";
      }
    }
    return "en";
  }
}
