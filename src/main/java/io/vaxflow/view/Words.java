package io.vaxflow.view;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every word Vaxflow shows or says, in Chinese and English: src/main/resources/i18n/{en,zh}.json,
 * read once. The pages get them rendered in (web/Pages); the server's own texts come from the same
 * place: the words of a call ({@code common.call}, {@link CallText}), a station's name
 * ({@code common.station}). Both languages must have the same keys.
 *
 * <p>A text is a string with {@code {name}} placeholders, or (where a count decides the wording)
 * its plural forms: {@code {"count": "n", "one": "{n} person", "other": "{n} people"}}, the form
 * chosen by the value of the placeholder {@code count} names (Chinese has one form, a string).
 */
public final class Words {

  public static final List<String> LANGS = List.of("en", "zh");

  private static final Map<String, JsonObject> BY_LANG = load();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)\\}");

  private Words() {}

  /** Every word in {@code lang} ("zh", or English for anything else). */
  public static JsonObject of(String lang) {
    return BY_LANG.get("zh".equals(lang) ? "zh" : "en");
  }

  /** The text at {@code key} ("common.station.desk") in {@code lang}, its placeholders filled from {@code vars}. */
  public static String text(String lang, String key, Map<String, ?> vars) {
    Object v = of(lang);
    for (String part : key.split("\\.")) {
      if (!(v instanceof JsonObject o) || !o.containsKey(part)) throw new IllegalArgumentException("no words at " + key + " in " + lang);
      v = o.getValue(part);
    }
    if (v instanceof JsonObject forms) {
      if (!isPlural(forms)) throw new IllegalArgumentException(key + " is not a text");
      Object count = vars.get(forms.getString("count"));
      boolean one = count instanceof Number n && n.doubleValue() == 1 && forms.containsKey("one");
      v = forms.getString(one ? "one" : "other");
    }
    return fill((String) v, vars);
  }

  /** The text at {@code key} in both languages: {"zh": ..., "en": ...}. */
  public static Map<String, String> both(String key, Map<String, ?> vars) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String lang : LANGS) out.put(lang, text(lang, key, vars));
    return out;
  }

  static String fill(String text, Map<String, ?> vars) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object value = vars.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : String.valueOf(value)));
    }
    return m.appendTail(out).toString();
  }

  /** Plural forms stand for one text: {count, one?, other}. */
  public static boolean isPlural(JsonObject o) {
    return o.containsKey("count") && o.containsKey("other");
  }

  /** The keys of the texts under {@code o}, "a.b.c", plural forms as one. */
  public static Set<String> keys(JsonObject o) {
    return keys("", o, new TreeSet<>());
  }

  private static Set<String> keys(String prefix, JsonObject o, Set<String> into) {
    for (String k : o.fieldNames()) {
      if (o.getValue(k) instanceof JsonObject child && !isPlural(child)) keys(prefix + k + ".", child, into);
      else into.add(prefix + k);
    }
    return into;
  }

  private static Map<String, JsonObject> load() {
    JsonObject en = read("i18n/en.json");
    JsonObject zh = read("i18n/zh.json");
    Set<String> enKeys = keys(en);
    Set<String> zhKeys = keys(zh);
    if (!enKeys.equals(zhKeys)) {
      Set<String> onlyEn = new TreeSet<>(enKeys);
      onlyEn.removeAll(zhKeys);
      Set<String> onlyZh = new TreeSet<>(zhKeys);
      onlyZh.removeAll(enKeys);
      throw new IllegalStateException("i18n/en.json and i18n/zh.json differ: only in en " + onlyEn + ", only in zh " + onlyZh);
    }
    return Map.of("en", en, "zh", zh);
  }

  private static JsonObject read(String resource) {
    try (InputStream in = Words.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }
}
