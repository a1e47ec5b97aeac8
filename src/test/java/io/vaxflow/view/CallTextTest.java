package io.vaxflow.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Calls a voice reads right: the number spelled, letter then each digit as a word ("A, zero four
 * two" / "A 零四二"), in the spoken sentence of each wording, in both languages, from the
 * dictionaries; a wording without a spoken sentence of its own (another helper's new one) is said
 * as written, the number spelled.
 */
class CallTextTest {

  private static Map<String, String> speech(String number, String kind, String id) {
    return CallText.call("1-0", "pudong", number, kind, id, Instant.EPOCH, "", 3).speech();
  }

  @Test
  void theIssuesExampleAsWritten() {
    assertEquals(Map.of("en", "A, zero two seven — please go to the vaccine waiting room.", "zh", "A 零二七 号，请到疫苗候诊室。"),
        speech("A027", "room", "room"));
  }

  @Test
  void numbersOfEachCategorySpelledForEveryDestination() {
    assertEquals(Map.of("en", "A, zero four two — please go to the vaccine waiting room.", "zh", "A 零四二 号，请到疫苗候诊室。"),
        speech("A042", "room", "room"));
    assertEquals(Map.of("en", "P, zero zero seven — please go to registration desk 2.", "zh", "P 零零七 号，请到2号登记台。"),
        speech("P007", "desk", "desk-2"));
    assertEquals(Map.of("en", "W, one two zero — please go to vaccination booth 3.", "zh", "W 一二零 号，请到3号接种台。"),
        speech("W120", "booth", "booth-3"));
    assertEquals(Map.of("en", "P, zero zero seven — please come into the waiting hall.", "zh", "P 零零七 号，请进入候诊大厅等候。"),
        speech("P007", "hall", "hall"));
    assertEquals(Map.of("en", "W, one two zero — your observation is over: you may leave now.",
        "zh", "W 一二零 号，请到出口，留观结束，您可以离开了。"), speech("W120", "exit", "exit"));
    assertEquals(Map.of("en", "A, one zero zero four two — please go to the vaccine waiting room.", "zh", "A 一零零四二 号，请到疫苗候诊室。"),
        speech("A10042", "room", "room"), "five digits");
  }

  @Test
  void theWrittenTextIsUnchanged() {
    Call c = CallText.call("1-0", "pudong", "A042", "room", "room", Instant.EPOCH, "", 3);
    assertEquals(Map.of("en", "Number A042, please go to the vaccine waiting room.", "zh", "请A042号到疫苗候诊室。"), c.text());
    assertEquals(c.speech(), c.repetition(2).speech(), "every saying says the same");
  }

  /** Every wording of common.call.says, whoever adds it, is spoken with the number spelled and never as written. */
  @Test
  void everyWordingIsSpokenWithTheNumberSpelled() {
    for (String lang : Words.LANGS) {
      JsonObject call = CallText.callWords(lang);
      String spelled = lang.equals("zh") ? "W 一二零" : "W, one two zero";
      for (String says : call.getJsonObject("says").fieldNames()) {
        String said = CallText.speech(call, says, "W120", lang.equals("zh") ? "候诊大厅" : "the waiting hall");
        assertTrue(said.contains(spelled), lang + " " + says + ": " + said);
        assertFalse(said.contains("W120"), lang + " " + says + ": " + said);
        assertFalse(said.contains("{"), "a placeholder left: " + said);
      }
    }
  }

  @Test
  void aWordingWithoutItsOwnSpokenSentenceIsSaidAsWrittenWithTheNumberSpelled() {
    JsonObject en = CallText.callWords("en").copy();
    en.getJsonObject("says").put("wait", "Number {number}, please wait at {to}.");
    assertEquals("Number A, zero four two, please wait at the waiting hall.", CallText.speech(en, "wait", "A042", "the waiting hall"));
    JsonObject zh = CallText.callWords("zh").copy();
    zh.getJsonObject("says").put("wait", "请{number}号在{to}等候。");
    assertEquals("请A 零四二号在候诊大厅等候。", CallText.speech(zh, "wait", "A042", "候诊大厅"));
  }
}
