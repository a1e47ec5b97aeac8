package io.vaxflow.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, the stock: lots added by a manager, typed or scanned from the carton's GS1 DataMatrix; every refusal with
 * its code and the site's keys unchanged; the stock as its staff read it; the demo city's lots seeded once.
 */
class LotsTest {

  private static final String API = "/api/v1/sites/xuhui";
  private static final String GS = "\u001d";
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of()));
  static TestCity city; // set by CITY
  private static String manager, booth, door;

  @BeforeAll
  static void signIn() {
    manager = city.login("manager", "2468");
    booth = city.login("booth", "4321");
    door = city.login("door", "1357");
  }

  private static Reply add(JsonObject body) {
    return city.post(API + "/stock/lots", manager, body);
  }

  private static JsonObject lotOf(String lot) {
    for (Object o : city.get(API + "/stock", manager).json().getJsonArray("lots")) {
      if (((JsonObject) o).getString("lot").equals(lot)) return (JsonObject) o;
    }
    return null;
  }

  @Test
  void aScannedCartonIsALotOfItsProduct() {
    Reply r = add(new JsonObject().put("gs1", "]d20104260123450014172706001" + "0SCAN-1" + GS + "21X9").put("vials", 5));
    assertEquals(201, r.status(), r.body());
    JsonObject lot = r.json().getJsonObject("lot");
    assertEquals("mrna-omicron", lot.getString("product"), "the product its GTIN names");
    assertEquals("SCAN-1", lot.getString("lot"));
    assertEquals("2027-06-30", lot.getString("expiry"), "day 00: the month's last day");
    assertEquals(5, lot.getInteger("vials"));
    assertEquals(50, lot.getInteger("dosesLeft"), "10 doses a vial");
    assertEquals("manager", lot.getString("addedBy"));

    Reply again = add(new JsonObject().put("gs1", "(01)04260123450014(17)270600(10)SCAN-1").put("vials", 2));
    assertEquals(201, again.status(), "another carton of the lot: " + again.body());
    assertEquals(7, again.json().getJsonObject("lot").getInteger("vials"));
    assertEquals(70, lotOf("SCAN-1").getInteger("dosesLeft"));
  }

  @Test
  void aTypedLot() {
    Reply r = add(new JsonObject().put("product", "corona-vac").put("lot", "TYPED-7").put("expiry", "2027-01-31").put("vials", 3));
    assertEquals(201, r.status(), r.body());
    JsonObject lot = r.json().getJsonObject("lot");
    assertEquals("06954361700014", lot.getString("gtin"));
    assertEquals(6, lot.getInteger("dosesLeft"));
    assertFalse(lot.getBoolean("expired"));
  }

  /** Each refusal changes nothing at the site: its keys, dumped before and after, are the same. */
  @Test
  void badLotsAreRefusedWithTheirCodeAndNothingChanged() {
    add(new JsonObject().put("product", "corona-vac").put("lot", "HELD-1").put("expiry", "2027-03-31").put("vials", 1));
    Map<String, String> before = city.siteDump("xuhui");
    refused(new JsonObject().put("gs1", "(01)06954361700016(17)271231(10)AB12").put("vials", 1), 400, "GS1_INVALID", "wrong check digit");
    refused(new JsonObject().put("gs1", "(01)06954361700014(17)271331(10)AB12").put("vials", 1), 400, "GS1_INVALID", "is not a date");
    refused(new JsonObject().put("gs1", "(01)06954361700014(17)271231").put("vials", 1), 400, "GS1_INVALID", "no lot (10)");
    refused(new JsonObject().put("gs1", "(01)00000000000017(17)271231(10)AB12").put("vials", 1), 422, "UNKNOWN_GTIN", "00000000000017");
    refused(new JsonObject().put("gs1", "(01)06954361700014(17)261101(10)OLD-1").put("vials", 1), 409, "LOT_EXPIRED", "expiry");
    refused(new JsonObject().put("product", "mrna-omicron").put("lot", "HELD-1").put("expiry", "2027-03-31").put("vials", 1),
        409, "LOT_MISMATCH", "corona-vac");
    refused(new JsonObject().put("product", "corona-vac").put("lot", "HELD-1").put("expiry", "2027-04-30").put("vials", 1),
        409, "LOT_MISMATCH", "2027-03-31");
    refused(new JsonObject().put("product", "nope").put("lot", "X-1").put("expiry", "2027-04-30").put("vials", 1), 400, "INVALID_INPUT", "product");
    refused(new JsonObject().put("lot", "X-1").put("expiry", "2027-04-30").put("vials", 1), 400, "INVALID_INPUT", "product");
    refused(new JsonObject().put("gs1", "(01)06954361700014(17)271231(10)A").put("lot", "A").put("vials", 1), 400, "INVALID_INPUT", "lot");
    refused(new JsonObject().put("gs1", "(01)0695436170001\n").put("vials", 1), 400, "INVALID_INPUT", "gs1");
    refused(new JsonObject().put("product", "corona-vac").put("lot", "X-1").put("expiry", "2027-04-30").put("vials", 0),
        400, "INVALID_INPUT", "vials");
    assertEquals(before, city.siteDump("xuhui"), TestCity.dumpDiff(before, city.siteDump("xuhui")));
    JsonObject body = new JsonObject().put("product", "corona-vac").put("lot", "Y-1").put("expiry", "2027-04-30").put("vials", 1);
    assertEquals(403, city.post(API + "/stock/lots", booth, body).status(), "a manager's");
    assertEquals(401, city.post(API + "/stock/lots", null, body).status());
    assertEquals(before, city.siteDump("xuhui"));
  }

  private static void refused(JsonObject body, int status, String code, String says) {
    Reply r = add(body);
    assertEquals(status, r.status(), body + ": " + r.body());
    assertEquals(code, r.errorCode(), r.body());
    assertTrue(r.body().contains(says), body + ": " + r.body());
  }

  /** The demo city starts with its lots (seeded once: a second server on the same Redis adds nothing); the site's staff read the stock. */
  @Test
  void theDemoStockIsSeededOnceAndReadByTheSitesStaff() {
    JsonObject seeded = lotOf("XH-CV2611A");
    assertEquals(300, seeded.getInteger("vials"));
    assertEquals(600, seeded.getInteger("dosesLeft"));
    assertEquals("2027-03-24", seeded.getString("expiry"), "120 days after the day it was first added");
    assertEquals("demo", seeded.getString("addedBy"));
    try (TestCity second = TestCity.on(city.redis, Map.of())) {
      assertEquals(seeded, lotOf("XH-CV2611A"), "seeded again: nothing changed");
      assertEquals(200, second.get(API + "/stock", second.login("manager", "2468")).status());
    }
    Reply forBooth = city.get(API + "/stock", booth);
    assertEquals(200, forBooth.status(), forBooth.body());
    JsonArray lots = forBooth.json().getJsonArray("lots");
    assertTrue(lots.size() >= 2, forBooth.body());
    assertEquals(new JsonObject().put("given", 0).put("wasted", 0), forBooth.json().getJsonObject("today"));
    assertEquals(200, city.get(API + "/stock", door).status(), "every staff member of the site reads it");
    assertEquals(401, city.get(API + "/stock").status());
  }
}
