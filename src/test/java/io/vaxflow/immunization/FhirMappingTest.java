package io.vaxflow.immunization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.ImmunizationRegistry;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * A shot's record as the registry reads it: built from a shot's hash, encoded, and parsed back with HAPI FHIR's own
 * parser (not ours): every field the issue names, the identifier that makes a redelivery the same record, and the
 * person named only by their key unless the city asks for their document.
 */
class FhirMappingTest {

  private static final VaxflowConfig CONFIG = ConfigLoader.load(Path.of("config/vaxflow.yaml"), Map.of());
  /** The shipped config's products: their codes are what the record says. */
  private static final Map<String, Fhir.Vaccine> VACCINES = Fhir.vaccines(CONFIG.products());
  private static final Shot.Person ZHANG = new Shot.Person("张伟", "resident", "11010519491231002X", "");

  private static Fhir fhir(ImmunizationRegistry.Patient patient) {
    Map<String, SiteConfig> sites = new LinkedHashMap<>();
    CONFIG.allSites().forEach(s -> sites.put(s.id(), s));
    return new Fhir(new ImmunizationRegistry("", "", "", patient, "urn:vaxflow"), VACCINES, sites, CONFIG.timeZone(),
        io.vaxflow.security.PersonKey.fromVoucherSecret(CONFIG.voucherSecret()));
  }

  private static Shot shot(String number, int dose, String lot, String expiry) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("product", "corona-vac");
    h.put("lot", lot);
    h.put("expiry", expiry);
    h.put("dose", String.valueOf(dose));
    h.put("at", String.valueOf(Instant.parse("2026-11-24T02:31:07Z").toEpochMilli()));
    h.put("by", "booth");
    h.put("station", "booth-2");
    h.put("day", "2026-11-24");
    h.put("number", number);
    h.put("appointment", "PD7K2M9Q");
    h.put("personKey", "9f2c" + "0".repeat(60));
    String id = Shot.id("pudong", "2026-11-24", number, dose);
    return Shot.of("pudong", id, h).orElseThrow();
  }

  private static Immunization parsed(String json) {
    return Fhir.context().newJsonParser().parseResource(Immunization.class, json);
  }

  @Test
  void aShotIsACompletedImmunizationWithItsLotExpiryDoseVaccinatorAndSite() {
    Immunization im = parsed(Fhir.json(fhir(ImmunizationRegistry.Patient.KEY).immunization(shot("A007", 2, "PD-CV2611A", "2027-03-31"),
        ZHANG)));
    assertEquals(Immunization.ImmunizationStatus.COMPLETED, im.getStatus());
    assertEquals("urn:vaxflow:shot", im.getIdentifierFirstRep().getSystem());
    assertEquals("pudong-2026-11-24-A007-d2", im.getIdentifierFirstRep().getValue());
    assertEquals("http://hl7.org/fhir/sid/cvx", im.getVaccineCode().getCodingFirstRep().getSystem());
    assertEquals("511", im.getVaccineCode().getCodingFirstRep().getCode());
    assertEquals("PD-CV2611A", im.getLotNumber());
    assertEquals("2027-03-31", im.getExpirationDateElement().getValueAsString());
    assertEquals("2026-11-24T10:31:07+08:00", im.getOccurrenceDateTimeType().getValueAsString(), "to the second, in the city's zone");
    assertEquals(2, im.getProtocolAppliedFirstRep().getDoseNumberPositiveIntType().getValue());
    assertEquals("booth", im.getPerformerFirstRep().getActor().getIdentifier().getValue());
    assertEquals("AP", im.getPerformerFirstRep().getFunction().getCodingFirstRep().getCode());
    assertEquals("pudong", im.getLocation().getIdentifier().getValue());
    assertTrue(im.getPrimarySource());
  }

  @Test
  void thePersonIsTheirKeyUnlessTheCityAsksForTheirDocument() {
    Shot s = shot("A007", 1, "PD-CV2611A", "2027-03-31");
    String byKey = Fhir.json(fhir(ImmunizationRegistry.Patient.KEY).immunization(s, ZHANG));
    assertFalse(byKey.contains(ZHANG.idNumber()) || byKey.contains(ZHANG.name()), "no ID number or name: " + byKey);
    Patient p = (Patient) parsed(byKey).getContained().get(0);
    assertEquals("#" + p.getIdElement().getIdPart(), parsed(byKey).getPatient().getReference(), "the patient is the contained one");
    assertEquals(List.of("urn:vaxflow:person"), p.getIdentifier().stream().map(i -> i.getSystem()).toList());
    assertEquals(s.personKey(), p.getIdentifierFirstRep().getValue());

    Patient named = (Patient) parsed(Fhir.json(fhir(ImmunizationRegistry.Patient.DOCUMENT).immunization(s, ZHANG))).getContained().get(0);
    assertEquals("11010519491231002X", named.getIdentifier().stream().filter(i -> i.getSystem().equals("urn:vaxflow:id:resident"))
        .findFirst().orElseThrow().getValue());
    assertEquals("张伟", named.getNameFirstRep().getText());
  }

  @Test
  void aWalkInWhoseShotNamesNoOneIsTheKeyOfTheirIdNumber() {
    Shot walkIn = new Shot("pudong", "pudong-2026-11-24-W003-d1", "corona-vac", "PD-CV2611A", "2027-03-31", 1,
        Instant.parse("2026-11-24T03:00:00Z"), "booth", "booth-1", "2026-11-24", "W003", "", "", Optional.empty());
    String json = Fhir.json(fhir(ImmunizationRegistry.Patient.KEY).immunization(walkIn, ZHANG));
    Patient p = (Patient) parsed(json).getContained().get(0);
    String key = io.vaxflow.security.PersonKey.fromVoucherSecret(CONFIG.voucherSecret())
        .person(io.vaxflow.security.IdDocument.RESIDENT, ZHANG.idNumber());
    assertEquals(key, p.getIdentifierFirstRep().getValue(), "the key a booking of the same person would have");
    assertFalse(json.contains(ZHANG.idNumber()), json);
  }

  @Test
  void aDayIsABundleOfOneImmunizationPerShotWithStableEntryUrls() {
    Fhir f = fhir(ImmunizationRegistry.Patient.KEY);
    List<Shot> shots = List.of(shot("A001", 1, "PD-CV2611A", "2027-03-31"), shot("A002", 1, "PD-MR2611B", "2027-01-22"),
        shot("W001", 2, "PD-CV2611A", "2027-03-31"));
    List<Shot.Person> people = List.of(ZHANG, ZHANG, Shot.Person.UNKNOWN);
    String json = Fhir.json(f.bundle("pudong", "2026-11-24", shots, people, Instant.parse("2026-11-24T09:00:00Z")));
    Bundle b = Fhir.context().newJsonParser().parseResource(Bundle.class, json);
    assertEquals(Bundle.BundleType.COLLECTION, b.getType());
    assertEquals(3, b.getEntry().size());
    for (int i = 0; i < 3; i++) {
      Immunization im = (Immunization) b.getEntry().get(i).getResource();
      assertEquals(shots.get(i).shotId(), im.getIdentifierFirstRep().getValue());
      assertEquals(shots.get(i).lot(), im.getLotNumber());
      assertEquals(shots.get(i).expiry(), im.getExpirationDateElement().getValueAsString());
    }
    Bundle again = f.bundle("pudong", "2026-11-24", shots, people, Instant.parse("2026-11-24T10:00:00Z"));
    assertEquals(b.getEntry().get(1).getFullUrl(), again.getEntry().get(1).getFullUrl(), "an entry's URL is its shot's");
  }

  @Test
  void aShotsTicketIsTheDayInItsIdAndADayIsReadInChunksInOrder() {
    Shot late = new Shot("pudong-east", "pudong-east-2026-11-23-A120-d2", "corona-vac", "L1", "", 2,
        Instant.parse("2026-11-23T16:05:00Z"), "booth", "booth-1", "2026-11-24", "A120", "", "", Optional.empty());
    assertEquals("2026-11-23", late.ticketDay(), "checked in before midnight, the shot after it");
    List<Integer> items = java.util.stream.IntStream.range(0, 250).boxed().toList();
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      List<Integer> out = Shots.inChunks(items, i -> {
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        io.vertx.core.Promise<Integer> p = io.vertx.core.Promise.promise();
        vertx.setTimer(1 + (i * 7) % 5, t -> {
          inFlight.decrementAndGet();
          p.complete(i * 2);
        });
        return p.future();
      }).await();
      assertEquals(items.stream().map(i -> i * 2).toList(), out, "every answer, in the order asked");
      assertEquals(100, most.get(), "at most a chunk at once");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aProductTheConfigNoLongerHasIsNamedByItsId() {
    Shot s = new Shot("pudong", "pudong-2026-11-24-A009-d1", "old-vac", "L1", "", 1, Instant.parse("2026-11-24T02:00:00Z"),
        "booth", "booth-1", "2026-11-24", "A009", "", "", Optional.empty());
    Immunization im = parsed(Fhir.json(fhir(ImmunizationRegistry.Patient.KEY).immunization(s, Shot.Person.UNKNOWN)));
    assertEquals("urn:vaxflow:product", im.getVaccineCode().getCodingFirstRep().getSystem());
    assertEquals("old-vac", im.getVaccineCode().getCodingFirstRep().getCode());
    assertFalse(im.hasExpirationDate());
  }
}
