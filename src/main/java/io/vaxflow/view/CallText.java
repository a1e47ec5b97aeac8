package io.vaxflow.view;

import io.vaxflow.view.Call.Destination;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A call and its words in Chinese and English: as shown ({@code common.call.says}) and as the
 * loudspeaker says them ({@code common.call.speech}), from the dictionaries ({@link Words}), which
 * the pages read too.
 *
 * <p>A voice reads "A027" as "A twenty-seven" or "A zero two seven" as it likes; a caller says
 * "A, zero two seven" (zh "A 零二七 号"). So the speech spells the number, letter then each digit
 * as a word ({@code common.call.speech.number}, {@code .digits}), in the spoken sentence of the
 * call's wording ({@code common.call.speech.says.<says>}); a wording with no spoken sentence of
 * its own is said as written with the number spelled, so every {@code says} key is spoken.
 */
public final class CallText {

  private CallText() {}

  public static Call call(String eventId, String siteId, String number, String toKind, String toId,
                          Instant at, String batch, int of) {
    return call(eventId, siteId, number, toKind, toId, at, batch, of, false);
  }

  /** A call as its event records it; {@code back}: the call back to the hall of someone waiting away. */
  public static Call call(String eventId, String siteId, String number, String toKind, String toId,
                          Instant at, String batch, int of, boolean back) {
    Destination to = destination(toKind, toId);
    String says = says(to, back);
    return new Call(eventId, eventId, siteId, number, to, text(number, to, says), speech(number, to, says), 1, of, at, batch, back);
  }

  /** Where to: "the vaccine waiting room", "registration desk 2" (common.call.to); an unknown kind by its id. */
  public static Destination destination(String kind, String id) {
    if (!Words.of("en").getJsonObject("common").getJsonObject("call").getJsonObject("to").containsKey(kind)) {
      return new Destination(kind, id, Map.of("zh", id, "en", id));
    }
    String n = id.substring(id.indexOf('-') + 1);
    return new Destination(kind, id, Words.both("common.call.to." + kind, Map.of("n", n)));
  }

  /**
   * Which wording of common.call.says a call takes: back to the hall (someone waiting away), to the
   * exit, into the hall, or to go somewhere.
   */
  public static String says(Destination to, boolean back) {
    if (back) return "back";
    return switch (to.kind()) {
      case "exit", "hall" -> to.kind();
      default -> "go";
    };
  }

  /** The sentence shown (common.call.says.{says}), in both languages. */
  public static Map<String, String> text(String number, Destination to, String says) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String lang : Words.LANGS) {
      out.put(lang, Words.text(lang, "common.call.says." + says, Map.of("number", number, "to", to.label().get(lang))));
    }
    return out;
  }

  /** The sentence said aloud, the number spelled for a voice, in both languages. */
  public static Map<String, String> speech(String number, Destination to, String says) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String lang : Words.LANGS) out.put(lang, speech(callWords(lang), says, number, to.label().get(lang)));
    return out;
  }

  /** {@code common.call} of a language. */
  static JsonObject callWords(String lang) {
    return Words.of(lang).getJsonObject("common").getJsonObject("call");
  }

  /**
   * The spoken sentence of wording {@code says} in one language's {@code common.call} words: its
   * own spoken form (speech.says.{says}), else the written one (says.{says}), with the number spelled.
   */
  static String speech(JsonObject call, String says, String number, String to) {
    JsonObject speech = call.getJsonObject("speech");
    String sentence = speech.getJsonObject("says").getString(says);
    if (sentence == null) sentence = call.getJsonObject("says").getString(says);
    if (sentence == null) throw new IllegalArgumentException("no words for a call that says " + says);
    return Words.fill(sentence, Map.of("number", spelled(speech, number), "to", to));
  }

  /** "A042" as a voice should read it: "A, zero four two" (en), "A 零四二" (zh). */
  static String spelled(JsonObject speech, String number) {
    int firstDigit = 0;
    while (firstDigit < number.length() && !Character.isDigit(number.charAt(firstDigit))) firstDigit++;
    String letters = number.substring(0, firstDigit);
    StringJoiner digits = new StringJoiner(speech.getString("digitJoin"));
    for (char c : number.substring(firstDigit).toCharArray()) {
      String word = speech.getJsonObject("digits").getString(String.valueOf(c));
      digits.add(word == null ? String.valueOf(c) : word);
    }
    if (letters.isEmpty() || digits.length() == 0) return letters + digits;
    return Words.fill(speech.getString("number"), Map.of("letters", letters, "digits", digits.toString()));
  }
}
