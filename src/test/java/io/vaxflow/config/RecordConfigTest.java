package io.vaxflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.security.SigningKey;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The immunization registry's and the certificates' settings, from the environment as production gives them. */
class RecordConfigTest {

  private static final Path FILE = Path.of("config/vaxflow.yaml");

  private static VaxflowConfig load(Map<String, String> env) {
    return ConfigLoader.load(FILE, env);
  }

  private static void refused(String key, String reasonPart, Map<String, String> env) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(env), env.toString());
    assertTrue(e.getMessage().contains(key) && e.getMessage().contains(reasonPart), e.getMessage());
  }

  @Test
  void theShippedCityDeliversNothingAndHasNoKeys() {
    VaxflowConfig c = load(Map.of());
    assertEquals(false, c.immunizationRegistry().delivers());
    assertEquals(ImmunizationRegistry.Patient.KEY, c.immunizationRegistry().patient());
    assertEquals("urn:vaxflow", c.immunizationRegistry().system());
    assertTrue(c.certificates().keys().isEmpty());
  }

  @Test
  void aRegistryIsAFhirBaseUrlWithALongToken() {
    VaxflowConfig c = load(Map.of("VAXFLOW_IMMUNIZATIONREGISTRY_URL", "https://fhir.example.gov.cn/r4/",
        "VAXFLOW_IMMUNIZATIONREGISTRY_TOKEN", "a-token-of-twenty-chars", "VAXFLOW_IMMUNIZATIONREGISTRY_PATIENT", "document"));
    assertEquals("https://fhir.example.gov.cn/r4", c.immunizationRegistry().url(), "its trailing slash left off");
    assertEquals(ImmunizationRegistry.Patient.DOCUMENT, c.immunizationRegistry().patient());
    refused("immunizationRegistry.url", "FHIR base URL", Map.of("VAXFLOW_IMMUNIZATIONREGISTRY_URL", "ftp://fhir.example"));
    refused("immunizationRegistry.token", "16 characters", Map.of("VAXFLOW_IMMUNIZATIONREGISTRY_TOKEN", "short"));
    refused("immunizationRegistry.system", "URI", Map.of("VAXFLOW_IMMUNIZATIONREGISTRY_SYSTEM", "vaxflow"));
  }

  @Test
  void aSitesKeyComesFromTheEnvironmentAndIsAnEd25519Key() {
    String pkcs8 = SigningKey.generate().pkcs8();
    Map<String, String> env = new HashMap<>(Map.of("VAXFLOW_CERTIFICATES_KEYS_0_ID", "pudong-2026",
        "VAXFLOW_CERTIFICATES_KEYS_0_SITE", "pudong", "VAXFLOW_CERTIFICATES_KEYS_0_PRIVATEKEY", pkcs8));
    Certificates.Key k = load(env).certificates().keys().get(0);
    assertEquals("pudong", k.site());
    assertEquals(SigningKey.fromPkcs8(pkcs8).orElseThrow().kid(), SigningKey.fromPkcs8(k.privateKey()).orElseThrow().kid());
    env.put("VAXFLOW_CERTIFICATES_KEYS_0_PRIVATEKEY", "bm90IGEga2V5");
    refused("certificates.keys[0].privateKey", "Ed25519", env);
    env.put("VAXFLOW_CERTIFICATES_KEYS_0_PRIVATEKEY", pkcs8);
    env.put("VAXFLOW_CERTIFICATES_KEYS_0_SITE", "nowhere");
    refused("certificates.keys[0].site", "unknown site", env);
  }
}
