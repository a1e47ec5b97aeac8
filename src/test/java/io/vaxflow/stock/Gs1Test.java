package io.vaxflow.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A carton's GS1 DataMatrix text as scanners type it: with and without parentheses, the group separator, bad ones. */
class Gs1Test {

  private static final String GS = "\u001d";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "(01)06954361700014(17)271231(10)AB12",
      "(10)AB12(17)271231(01)06954361700014",          // any order
      "0106954361700014172712311" + "0AB12",           // raw: the lot last, ended by the end
      "0106954361700014" + "10AB12" + GS + "17271231", // raw: the lot ended by the group separator
      "]d20106954361700014172712311" + "0AB12",        // the symbology identifier a scanner may send first
      GS + "0106954361700014172712311" + "0AB12",      // FNC1 first, sent as GS
      "01069543617000141727123121SERIAL7" + GS + "10AB12", // a serial (21) read past
      "(01)06954361700014(17)271231(10)AB12" + GS,     // a trailing separator
  })
  void readsACartonWrittenAnyOfTheWaysScannersTypeIt(String text) throws Gs1.Unreadable {
    assertEquals(new Gs1.Carton("06954361700014", LocalDate.of(2027, 12, 31), "AB12"), Gs1.parse(text));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "270200, 2027-02-28",   // day 00: the month's last day
      "280200, 2028-02-29",
      "261100, 2026-11-30",
      "270115, 2027-01-15"})
  void dayZeroIsTheLastDayOfTheMonth(String yymmdd, String day) throws Gs1.Unreadable {
    assertEquals(LocalDate.parse(day), Gs1.parse("(01)06954361700014(17)" + yymmdd + "(10)L1").expiry());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "(01)06954361700016(17)271231(10)AB12 | wrong check digit",
      "(01)0695436170001(17)271231(10)AB12  | (01) must be 14 digits",
      "(01)06954361700014(17)271331(10)AB12 | is not a date",
      "(01)06954361700014(17)270231(10)AB12 | is not a date",
      "(01)06954361700014(17)2712(10)AB12   | (17) must be 6 digits",
      "(01)06954361700014(10)AB12           | no expiry (17)",
      "(01)06954361700014(17)271231         | no lot (10)",
      "(17)271231(10)AB12                   | no GTIN (01)",
      "(01)06954361700014(17)271231(10)     | (10) must be 1 to 20 characters",
      "(01)06954361700014(17)271231(99)X(10)A | unknown application identifier (99)",
      "9906954361700014                     | unknown application identifier at character 1",
      "01069543617000141727                 | the code ends inside (17)",
      "(01)06954361700014(17)271231(10)AB12(10)CD | (10) appears twice",
      "(01)06954361700014(17)271231(10)A B  | the lot (10) must be letters, digits or -",
      "hello                                | unknown application identifier"})
  void refusesWhatIsNotACartonSayingWhy(String text, String reason) {
    Gs1.Unreadable e = assertThrows(Gs1.Unreadable.class, () -> Gs1.parse(text));
    assertTrue(e.getMessage().contains(reason), text + ": " + e.getMessage());
  }
}
