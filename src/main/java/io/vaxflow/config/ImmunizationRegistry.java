package io.vaxflow.config;

import static io.vaxflow.config.Checked.quote;
import static io.vaxflow.config.Checked.require;

/**
 * The city's immunization registry (README "The immunization record and certificates"): every shot given here is
 * delivered to the FHIR
 * server at {@code url} (its base URL) as an {@code Immunization}, at least once, like the webhooks' events
 * ({@code notify}'s retries and take-over); empty: not delivered. {@code authorization}: the {@code Authorization}
 * header each delivery carries (e.g. {@code Bearer ...}), if the registry wants one. {@code token}: a Bearer token with
 * which the registry (or the city's other systems) may GET a site's day of shots as a FHIR Bundle, besides the
 * site's manager; empty: managers only. {@code patient}: how a person is named to the registry: {@code key} (the
 * default), their keyed hash ({@code security/PersonKey}: the same person has the same key at every site and every
 * dose, so the registry links their doses, and no one without the voucher secret can tell whose it is);
 * {@code document}, their ID document's number and their name as well (a registry that matches people against the
 * population register needs them; then the ticket keeps them until the registry has the shot). {@code system}: the
 * base of the identifiers' systems: {@code <system>:shot} (a shot's id, how the registry knows a redelivery),
 * {@code <system>:person}, {@code <system>:staff}, {@code <system>:site}, {@code <system>:id:<document type>}.
 */
public record ImmunizationRegistry(
    @Setting("''") String url,
    @Setting("''") String authorization,
    @Setting("''") String token,
    @Setting("key") Patient patient,
    @Setting("'urn:vaxflow'") String system) implements Checked {

  /** How the person is named in the registry's record. */
  public enum Patient { KEY, DOCUMENT }

  public ImmunizationRegistry {
    url = url == null ? "" : url.strip().replaceAll("/+$", "");
    authorization = authorization == null ? "" : authorization.strip();
    token = token == null ? "" : token.strip();
    system = system == null ? "" : system.strip();
  }

  @Override
  public void check() {
    require(url.isEmpty() || url.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?"), "url",
        "must be empty (shots are not delivered) or the registry's FHIR base URL, http:// or https://, not " + quote(url));
    require(token.isEmpty() || token.length() >= 16, "token", "must be empty or at least 16 characters (it reads the sites' shots)");
    require(system.matches("(urn:|https?://)[^\\s]*[^\\s:/]"), "system",
        "must be a URI (urn:... or http(s)://...) not ending in : or /, not " + quote(system));
  }

  /** Whether shots are delivered at all. */
  public boolean delivers() {
    return !url.isEmpty();
  }
}
