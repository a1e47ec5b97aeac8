package io.vaxflow.immunization;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import io.vaxflow.config.ImmunizationRegistry;
import io.vaxflow.config.Product;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.security.IdDocument;
import io.vaxflow.security.PersonKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Reference;

/**
 * A shot as the city's immunization record keeps it: a FHIR R4 {@code Immunization} (HAPI FHIR's model), and a
 * site's day of them as a {@code Bundle}. The resource says: completed; the product's {@code vaccineCode} from the
 * config; the person as a contained {@code Patient} (their keyed hash, and in {@code patient: document} mode their ID
 * number and name, {@link ImmunizationRegistry}); when (occurrence and recorded, to the second in the city's zone);
 * the lot and its expiry; the vaccinator (performer, function AP) and the site (location); the dose number; and the
 * shot's id as its identifier ({@code <system>:shot}), which makes a redelivery the same record.
 *
 * <p>HAPI's {@link FhirContext} is made once per JVM ({@link #context}) and is thread-safe: making one costs ~0.1 s
 * and its first use ~1.7 s more (it scans the R4 model), so it is made the first time a shot is encoded, and encoding
 * runs on a worker thread ({@code Registry}, {@code web/ImmunizationRoutes}), never on an event loop.
 */
public final class Fhir {

  /** The media type of FHIR's JSON. */
  public static final String JSON = "application/fhir+json";
  /** HL7 v2 table 0443: the administering provider. */
  private static final String PROVIDER_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0443";

  private static final class Holder {
    static final FhirContext CONTEXT = FhirContext.forR4();
  }

  /** The JVM's one FHIR R4 context (made on first use). */
  public static FhirContext context() {
    return Holder.CONTEXT;
  }

  private final ImmunizationRegistry settings;
  private final Map<String, Vaccine> vaccines;
  private final Map<String, SiteConfig> sites;
  private final TimeZone zone;
  private final PersonKey keys;

  public Fhir(ImmunizationRegistry settings, Map<String, Vaccine> vaccines, Map<String, SiteConfig> sites, ZoneId zone,
      PersonKey keys) {
    this.settings = settings;
    this.keys = keys;
    this.vaccines = Map.copyOf(vaccines);
    this.sites = Map.copyOf(sites);
    this.zone = TimeZone.getTimeZone(zone);
  }

  /** The system of the identifiers of one kind: {@code <system>:shot}, {@code <system>:person}, ... */
  public String system(String kind) {
    return settings.system() + ":" + kind;
  }

  /** The {@code Immunization} of a shot given to {@code person}. */
  public Immunization immunization(Shot shot, Shot.Person person) {
    Immunization im = new Immunization();
    im.addIdentifier().setSystem(system("shot")).setValue(shot.shotId());
    im.setStatus(Immunization.ImmunizationStatus.COMPLETED);
    im.setVaccineCode(vaccineCode(shot.product()));
    Patient p = new Patient();
    p.setId("patient");
    String key = personKey(shot, person);
    if (!key.isEmpty()) p.addIdentifier().setSystem(system("person")).setValue(key);
    if (settings.patient() == ImmunizationRegistry.Patient.DOCUMENT) {
      if (!person.idNumber().isEmpty()) p.addIdentifier().setSystem(system("id:" + person.idType())).setValue(person.idNumber());
      if (!person.name().isEmpty()) p.addName().setText(person.name());
    }
    im.addContained(p);
    im.setPatient(new Reference("#patient"));
    DateTimeType when = new DateTimeType(Date.from(shot.at()), TemporalPrecisionEnum.SECOND, zone);
    im.setOccurrence(when);
    im.setRecordedElement(when.copy());
    im.setPrimarySource(true);
    SiteConfig site = sites.get(shot.site());
    im.setLocation(new Reference().setIdentifier(new Identifier().setSystem(system("site")).setValue(shot.site()))
        .setDisplay(site == null ? shot.site() : site.name("zh")));
    im.setLotNumber(shot.lot());
    if (!shot.expiry().isEmpty()) im.setExpirationDateElement(new DateType(shot.expiry()));
    Immunization.ImmunizationPerformerComponent performer = im.addPerformer();
    performer.setFunction(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(PROVIDER_ROLE, "AP", "Administering Provider")));
    performer.setActor(new Reference().setIdentifier(new Identifier().setSystem(system("staff")).setValue(shot.by()))
        .setDisplay(shot.station().isEmpty() ? shot.by() : shot.by() + " (" + shot.station() + ")"));
    im.addProtocolApplied().setDoseNumber(new PositiveIntType(shot.dose()));
    return im;
  }

  /**
   * The person's key: the shot's (a booking's person, lua/lib/stock.lua), or for a walk-in, whose shot names no one,
   * the ticket's ({@code security/PersonKey} of the ID number checked in with: the key a booking would have).
   */
  String personKey(Shot shot, Shot.Person person) {
    if (!shot.personKey().isEmpty()) return shot.personKey();
    if (!person.key().isEmpty()) return person.key();
    if (person.idNumber().isEmpty()) return "";
    return keys.person(IdDocument.of(person.idType()).orElse(IdDocument.RESIDENT), person.idNumber());
  }

  /** A site's day of shots as a {@code collection} Bundle, one entry per shot (with its person, in the same order). */
  public Bundle bundle(String site, String day, List<Shot> shots, List<Shot.Person> people, Instant at) {
    Bundle b = new Bundle();
    b.setType(Bundle.BundleType.COLLECTION);
    b.setIdentifier(new Identifier().setSystem(system("immunizations")).setValue(site + "-" + day));
    b.setTimestampElement(new org.hl7.fhir.r4.model.InstantType(Date.from(at), TemporalPrecisionEnum.SECOND, zone));
    for (int i = 0; i < shots.size(); i++) {
      Shot s = shots.get(i);
      b.addEntry().setFullUrl(fullUrl(s)).setResource(immunization(s, people.get(i)));
    }
    return b;
  }

  /** A resource as FHIR's JSON. */
  public static String json(IBaseResource resource) {
    return context().newJsonParser().encodeResourceToString(resource);
  }

  /** A shot's entry URL in a Bundle: a UUID named by its id, the same every time. */
  static String fullUrl(Shot s) {
    return "urn:uuid:" + UUID.nameUUIDFromBytes(("vaxflow-shot:" + s.shotId()).getBytes(StandardCharsets.UTF_8));
  }

  private CodeableConcept vaccineCode(String product) {
    Vaccine v = vaccines.get(product);
    CodeableConcept c = new CodeableConcept();
    if (v != null) {
      c.addCoding().setSystem(v.system()).setCode(v.code()).setDisplay(v.display().isEmpty() ? null : v.display());
      c.setText(v.name().getOrDefault("zh", v.name().getOrDefault("en", product)));
    } else {
      c.addCoding().setSystem(system("product")).setCode(product); // a product no longer in the config: its id
      c.setText(product);
    }
    return c;
  }

  /** A product's code in the record (the config's {@code products[].vaccineCode}) and its names by language. */
  public record Vaccine(String system, String code, String display, Map<String, String> name) {}

  /** The products' codes in the record and their names, by product id (the config's {@code products}). */
  public static Map<String, Vaccine> vaccines(List<Product> products) {
    Map<String, Vaccine> out = new java.util.LinkedHashMap<>();
    for (Product p : products) {
      out.put(p.id(), new Vaccine(p.vaccineCode().system(), p.vaccineCode().code(), p.vaccineCode().display(), p.name()));
    }
    return out;
  }

  /** The product's names by language (its id when the config no longer has it). */
  public Map<String, String> productName(String product) {
    Vaccine v = vaccines.get(product);
    return v == null ? Map.of("zh", product, "en", product) : v.name();
  }
}
