package io.vaxflow.immunization;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.await;
import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vaxflow.support.Vaccinate;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The immunization record end to end, against a real server and Redis, with shots given at a real booth from an open
 * vial (lua/done.lua): the day's Bundle parsed back with HAPI FHIR's parser, one Immunization per shot with its lot and
 * expiry; a FHIR registry of the test's own (a Vert.x HTTP server on loopback) that is stopped while shots are given
 * and gets every one of them once it is back, each once by its identifier; a certificate checked independently with
 * the JDK's Ed25519 and the published JWK, and a tampered one refused by the verify route. Retries are 1 s apart
 * (notify.retryCapSec: 1), the same code path as the default's doubling to 60 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImmunizationRecordTest {

  private static final String TOKEN = "the-registry-pulls-with-this-token";
  private static final String LOT = "PD-CV2611A"; // the demo's inactivated vaccine at pudong, 2 doses a vial
  private static final AtomicInteger PEOPLE = new AtomicInteger();
  private static final Vertx VERTX = Vertx.vertx();
  private static final FhirRegistry REGISTRY = new FhirRegistry(VERTX).start();
  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  /** pudong's key, given as production gives it (the other demo sites get one made and kept in Redis). */
  private static final String PUDONG_KEY = io.vaxflow.security.SigningKey.generate().pkcs8();

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of(
      "VAXFLOW_IMMUNIZATIONREGISTRY_URL", REGISTRY.base(), "VAXFLOW_IMMUNIZATIONREGISTRY_TOKEN", TOKEN,
      // the registry is sent the ID number and name: the ticket holds them until it has the shot
      "VAXFLOW_IMMUNIZATIONREGISTRY_PATIENT", "document",
      "VAXFLOW_NOTIFY_RETRYCAPSEC", "1", "VAXFLOW_NOTIFY_TIMEOUTMS", "3000",
      "VAXFLOW_CERTIFICATES_KEYS_0_ID", "pudong-2026", "VAXFLOW_CERTIFICATES_KEYS_0_SITE", SITE,
      "VAXFLOW_CERTIFICATES_KEYS_0_PRIVATEKEY", PUDONG_KEY)));
  static TestCity city;

  private static SiteStaff staff;
  private static String manager;
  /** The ID number and the name of each ticket given a shot here. */
  private static final Map<String, String> ids = new ConcurrentHashMap<>();
  private static final Map<String, String> names = new ConcurrentHashMap<>();

  @BeforeAll
  static void staff() {
    staff = SiteStaff.signIn(city);
    manager = city.login("manager", "2468");
  }

  @AfterAll
  static void stopRegistry() {
    REGISTRY.stop();
    VERTX.close().await();
  }

  /** A walk-in given a shot of {@link #LOT} at booth-1. */
  private static String shot() {
    int i = PEOPLE.incrementAndGet();
    String id = FlowKit.idNumber(16, i);
    String number = Vaccinate.walkIn(city, staff, FlowKit.name("Record", i), id, LOT).getString("number");
    ids.put(number, id);
    names.put(number, FlowKit.name("Record", i));
    return number;
  }

  private static String shotId(String number) {
    return SITE + "-" + TestCity.TODAY + "-" + number + "-d1";
  }

  /** The lot's expiry as the stock says it. */
  private static String expiry(String lot) {
    for (Object o : ok(city.get(API + "/stock", manager), "stock").getJsonArray("lots")) {
      JsonObject l = (JsonObject) o;
      if (lot.equals(l.getString("lot"))) return l.getString("expiry");
    }
    throw new AssertionError("no lot " + lot);
  }

  @Test
  @Order(1)
  void theDaysImmunizationsParseBackOnePerShotWithItsLotAndExpiry() {
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < 3; i++) numbers.add(shot());
    for (String who : new String[] {"manager", "bearer"}) {
      Reply r = who.equals("manager") ? city.get(API + "/immunizations?day=" + TestCity.TODAY, manager)
          : city.send(HttpMethod.GET, API + "/immunizations?day=" + TestCity.TODAY, null, Map.of("Authorization", "Bearer " + TOKEN), null);
      assertEquals(200, r.status(), who + ": " + r.body());
      assertTrue(r.headers().get("Content-Type").startsWith("application/fhir+json"), r.headers().get("Content-Type"));
      Bundle b = Fhir.context().newJsonParser().parseResource(Bundle.class, r.body());
      assertEquals(Bundle.BundleType.COLLECTION, b.getType());
      Map<String, Immunization> byShot = new java.util.HashMap<>();
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        Immunization im = (Immunization) e.getResource();
        assertEquals(null, byShot.put(im.getIdentifierFirstRep().getValue(), im), "one Immunization per shot");
      }
      for (String n : numbers) {
        Immunization im = byShot.get(shotId(n));
        assertTrue(im != null, who + ": " + n + "'s shot in " + byShot.keySet());
        assertEquals(Immunization.ImmunizationStatus.COMPLETED, im.getStatus());
        assertEquals(LOT, im.getLotNumber());
        assertEquals(expiry(LOT), im.getExpirationDateElement().getValueAsString());
        assertEquals("511", im.getVaccineCode().getCodingFirstRep().getCode(), "the config's code of corona-vac");
        assertEquals(1, im.getProtocolAppliedFirstRep().getDoseNumberPositiveIntType().getValue());
        assertEquals("booth", im.getPerformerFirstRep().getActor().getIdentifier().getValue());
        Patient p = (Patient) im.getContained().get(0);
        assertEquals(ids.get(n), p.getIdentifier().stream().filter(i -> i.getSystem().equals("urn:vaxflow:id:resident"))
            .findFirst().orElseThrow().getValue(), "patient: document: the ID number, opened from the sealed ticket");
        assertEquals(names.get(n), p.getNameFirstRep().getText());
      }
    }
    Reply stranger = city.send(HttpMethod.GET, API + "/immunizations", null, Map.of("Authorization", "Bearer not-the-token"), null);
    expectError(stranger, 401, "UNAUTHENTICATED", "a wrong token");
    expectError(city.get(API + "/immunizations", staff.booth()), 403, "FORBIDDEN", "a vaccinator");
  }

  @Test
  @Order(2)
  void aRegistryStoppedForAWhileGetsEveryShotAfterEachOnceByItsIdentifier() {
    // what reached the registry while it was up
    List<String> before = new ArrayList<>();
    before.add(shot());
    await("the registry has " + before, 20_000, () -> REGISTRY.has(shotId(before.get(0))));

    REGISTRY.stop();
    long failedBefore = failedDeliveries();
    List<String> whileDown = new ArrayList<>();
    for (int i = 0; i < 4; i++) whileDown.add(shot());
    // every one of them attempted and refused (the connection), more than once, none acknowledged
    await("four shots pending for the registry", 20_000, () -> pending() >= 4);
    await("failed attempts while it is down", 20_000, () -> failedDeliveries() - failedBefore >= 8);
    for (String n : whileDown) {
      assertFalse(REGISTRY.has(shotId(n)), n);
      assertEquals(shotId(n), hold(n), n + "'s ticket holds its name and ID number for the registry");
    }

    REGISTRY.start();
    await("the registry has every shot given while it was down", 30_000,
        () -> whileDown.stream().allMatch(n -> REGISTRY.has(shotId(n))));
    await("nothing left pending", 10_000, () -> pending() == 0);
    for (String n : whileDown) {
      assertEquals(1, REGISTRY.created(shotId(n)), n + ": created once");
      Response h = city.redis(Command.HGET, "vf:{" + SITE + "}:shot:" + shotId(n), "deliveredAt");
      assertTrue(h != null && !h.toString().isEmpty(), n + "'s record notes the delivery");
      assertEquals(null, hold(n), n + "'s hold is cleared: erase.lua may erase its name and ID number");
      Immunization im = REGISTRY.get(shotId(n));
      assertEquals(LOT, im.getLotNumber());
      assertEquals(expiry(LOT), im.getExpirationDateElement().getValueAsString());
    }
    assertEquals(REGISTRY.identifiers().size(), REGISTRY.records(), "one record per identifier");
    System.out.println("ImmunizationRecordTest: the registry got " + REGISTRY.records() + " shots, " + REGISTRY.puts.get()
        + " PUTs, " + (failedDeliveries() - failedBefore) + " attempts refused while it was down");
  }

  @Test
  @Order(3)
  void aCertificateVerifiesWithThePublishedKeyAndATamperedOneIsRefused() throws Exception {
    String number = shot();
    String k = FlowKit.trackKey(city, number, TestCity.TODAY);
    String path = API + "/tickets/" + number + "/certificate?k=" + k;
    Reply early = city.get(path);
    expectError(early, 409, "NO_CERTIFICATE", "before release");
    assertEquals("notReleased", early.json().getJsonObject("error").getString("reason"));
    expectError(city.get(API + "/tickets/" + number + "/certificate?k=" + k.substring(1) + "A"), 404, "UNKNOWN_TICKET", "another key");

    Vaccinate.release(city, staff, number);
    JsonObject got = ok(city.get(path), "the certificate");
    String text = got.getString("certificate");
    assertEquals(text, ok(city.get(path), "again").getString("certificate"), "the same text every time");

    // the independent check: the JWS's parts, the published JWK, the JDK's Ed25519
    String[] parts = text.split("\\.");
    assertEquals(3, parts.length, text);
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertEquals("EdDSA", header.getString("alg"));
    Reply keys = city.get("/.well-known/vaxflow-keys");
    assertEquals(200, keys.status());
    JsonObject jwk = null;
    for (Object o : keys.json().getJsonArray("keys")) {
      if (header.getString("kid").equals(((JsonObject) o).getString("kid"))) jwk = (JsonObject) o;
    }
    assertTrue(jwk != null, "the kid " + header.getString("kid") + " is published: " + keys.body());
    assertEquals("OKP", jwk.getString("kty"));
    assertEquals("Ed25519", jwk.getString("crv"));
    assertEquals(SITE, jwk.getString("site"));
    assertEquals(io.vaxflow.security.SigningKey.fromPkcs8(PUDONG_KEY).orElseThrow().kid(), jwk.getString("kid"), "the configured key signs");
    assertEquals(null, city.redis(Command.GET, "vf:{" + SITE + "}:certkey"), "no key made for a site that has one");
    assertTrue(city.redis(Command.GET, "vf:{xuhui}:certkey") != null, "demo mode: a key made and kept for a site without");
    byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    assertTrue(jdkVerifies(jwk.getString("x"), input, Base64.getUrlDecoder().decode(parts[2])), "the JDK's Ed25519 verifies it");

    String id = ids.get(number);
    assertEquals(id.substring(0, 4) + "**********" + id.substring(14), claims.getString("maskedId"));
    assertEquals(LOT, claims.getString("lot"));
    assertEquals("corona-vac", claims.getString("product"));
    assertEquals(1, claims.getInteger("dose"));
    assertEquals(TestCity.TODAY, claims.getString("date"));
    assertEquals(shotId(number), claims.getString("shotId"));
    assertEquals(SITE, claims.getString("site"));
    assertFalse(text.contains(id), "no ID number in the certificate");

    JsonObject verdict = ok(city.post("/api/v1/certificates/verify", new JsonObject().put("certificate", text)), "verify");
    assertTrue(verdict.getBoolean("valid"), verdict.encode());
    assertEquals(claims, verdict.getJsonObject("claims"));

    // a dose 2 that was never given: the claims changed, the signature kept
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        claims.copy().put("dose", 2).encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertFalse(jdkVerifies(jwk.getString("x"), (forged.substring(0, forged.lastIndexOf('.'))).getBytes(StandardCharsets.US_ASCII),
        Base64.getUrlDecoder().decode(parts[2])), "the JDK refuses it too");
    JsonObject refused = ok(city.post("/api/v1/certificates/verify", new JsonObject().put("certificate", forged)), "verify forged");
    assertEquals(new JsonObject().put("valid", false).put("reason", "signature"), refused);
    String otherKey = Base64.getUrlEncoder().withoutPadding().encodeToString(
        header.copy().put("kid", "AAAAAAAAAAAAAAAA").encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
    assertEquals("unknownKey", ok(city.post("/api/v1/certificates/verify", new JsonObject().put("certificate", otherKey)), "kid")
        .getString("reason"));
    assertEquals("malformed", ok(city.post("/api/v1/certificates/verify", new JsonObject().put("certificate", "a.b")), "two parts")
        .getString("reason"));

    // privacy.retainHours after release the sweep erases the ticket's ID number (the registry has the shot: no hold);
    // the certificate given stays valid, and none is made again without the number it masks
    await("the registry has " + number + "'s shot", 20_000, () -> REGISTRY.has(shotId(number)));
    await(number + "'s hold cleared", 10_000, () -> hold(number) == null);
    CLOCK.advance(java.time.Duration.ofHours(city.config.privacy().retainHours()).plusMinutes(1));
    String ticket = "vf:{" + SITE + "}:t:" + TestCity.TODAY + ":" + number;
    await(number + "'s ID number erased", 20_000, () -> city.redis(Command.HEXISTS, ticket, "idNumber").toInteger() == 0);
    Reply erased = city.get(path);
    expectError(erased, 409, "NO_CERTIFICATE", "after erasure");
    assertEquals("erased", erased.json().getJsonObject("error").getString("reason"));
    assertTrue(ok(city.post("/api/v1/certificates/verify", new JsonObject().put("certificate", text)), "verify").getBoolean("valid"),
        "the certificate given at release still verifies");
  }

  /** Ed25519 by the JDK alone: the JWK's x as an X.509 SubjectPublicKeyInfo (RFC 8410), Signature "Ed25519". */
  private static boolean jdkVerifies(String x, byte[] input, byte[] signature) throws Exception {
    byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(Base64.getUrlDecoder().decode(x)));
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
    s.update(input);
    return s.verify(signature);
  }

  /** The ticket's hold for the immunization record (docs/architecture.md, "People's data"), or null. */
  private static String hold(String number) {
    Response r = city.redis(Command.HGET, "vf:{" + SITE + "}:t:" + TestCity.TODAY + ":" + number, "hold");
    return r == null ? null : r.toString();
  }

  /** Shot events of the site read by the registry's group and not acknowledged. */
  private static long pending() {
    Response r = city.redis(Command.XPENDING, "vf:{" + SITE + "}:events", "registry");
    return r == null ? 0 : r.get(0).toLong();
  }

  /** The server's count of failed attempts to deliver to the registry (its Prometheus counter). */
  private static long failedDeliveries() {
    for (String line : city.get("/metrics").body().split("\n")) {
      if (line.startsWith("vaxflow_webhook_deliveries_total{") && line.contains("webhook=\"registry\"")
          && line.contains("outcome=\"failed\"")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /**
   * A FHIR server standing for the city's registry: it takes {@code PUT /fhir/Immunization?identifier=system|value}
   * (a conditional update), parses each body with HAPI FHIR's parser, refuses one whose identifier is not the query's,
   * and keeps one record per identifier: 201 the first time, 200 after. Stopped and started again on the same port.
   */
  static final class FhirRegistry {
    private final Vertx vertx;
    private final Map<String, Immunization> records = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> creates = new ConcurrentHashMap<>();
    final AtomicLong puts = new AtomicLong();
    private volatile HttpServer server;
    private volatile int port;

    FhirRegistry(Vertx vertx) {
      this.vertx = vertx;
    }

    FhirRegistry start() {
      server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1").await();
      port = server.actualPort();
      return this;
    }

    void stop() {
      if (server != null) server.close().await();
      server = null;
    }

    String base() {
      return "http://127.0.0.1:" + port + "/fhir";
    }

    private void handle(HttpServerRequest req) {
      if (req.method() != HttpMethod.PUT || !req.path().equals("/fhir/Immunization")) {
        req.response().setStatusCode(404).end();
        return;
      }
      String identifier = req.getParam("identifier");
      req.body().onSuccess(body -> {
        puts.incrementAndGet();
        Immunization im;
        try {
          im = Fhir.context().newJsonParser().parseResource(Immunization.class, body.toString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
          req.response().setStatusCode(400).end(e.getMessage());
          return;
        }
        String own = im.getIdentifierFirstRep().getSystem() + "|" + im.getIdentifierFirstRep().getValue();
        if (!own.equals(identifier)) {
          req.response().setStatusCode(412).end("identifier " + identifier + " is not the resource's " + own);
          return;
        }
        boolean created = records.put(im.getIdentifierFirstRep().getValue(), im) == null;
        if (created) creates.computeIfAbsent(im.getIdentifierFirstRep().getValue(), k -> new AtomicInteger()).incrementAndGet();
        req.response().setStatusCode(created ? 201 : 200).putHeader("Content-Type", "application/fhir+json").end(body);
      });
    }

    boolean has(String shotId) {
      return records.containsKey(shotId);
    }

    Immunization get(String shotId) {
      return records.get(shotId);
    }

    int created(String shotId) {
      AtomicInteger n = creates.get(shotId);
      return n == null ? 0 : n.get();
    }

    int records() {
      return records.size();
    }

    Set<String> identifiers() {
      return new TreeSet<>(records.keySet());
    }
  }
}
