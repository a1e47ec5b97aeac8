package io.vaxflow.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A config record with rules its types cannot say: formats, references and cross-field rules. {@link ConfigLoader}
 * calls {@link #check} on each one right after binding it; a problem is a {@link ConfigException#at} naming the
 * key relative to the record, to which the loader adds the file and the record's own path.
 */
interface Checked {

  /** Throws a {@link ConfigException#at} for the first rule the record breaks. */
  void check();

  Pattern LANG = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

  /** Fails at {@code key} with {@code reason} unless {@code ok}. */
  static void require(boolean ok, String key, String reason) {
    if (!ok) throw ConfigException.at(key, reason);
  }

  /** A value as a reason quotes it: in double quotes, cut after 60 characters. */
  static String quote(String s) {
    return "\"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
  }

  /** A text in several languages at {@code key}: language codes as keys, non-empty texts, zh and en where {@code required}. */
  static void languages(Map<String, String> texts, String key, boolean required) {
    texts.forEach((lang, text) -> {
      require(LANG.matcher(lang).matches(), key + "." + lang, "unknown key (expected a language code such as zh or en)");
      require(text != null && !text.isBlank(), key + "." + lang, "must be non-empty text");
    });
    for (String need : required ? List.of("zh", "en") : List.<String>of()) {
      require(texts.containsKey(need), key + "." + need, "is required");
    }
  }
}
