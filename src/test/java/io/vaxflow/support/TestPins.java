package io.vaxflow.support;

import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.StaffAccount;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The demo staff's PINs (README, config/vaxflow.yaml) hashed at the fewest PBKDF2 iterations a
 * config may hold ({@code PinHash} reads no fewer), for the cities tests start: a login then costs
 * about a millisecond instead of tens (about 200 logins a run). Production hashes are untouched:
 * the overrides are environment values the config loader takes for any key
 * ({@code VAXFLOW_STAFF_DESK_PINHASH}); {@code TestPinsTest} checks that this is the minimum.
 */
public final class TestPins {

  /** {@code PinHash}'s minimum iteration count (its MIN_ITERATIONS). */
  public static final int ITERATIONS = 1_000;

  /** The demo accounts and their PINs, as the README lists them. */
  public static final Map<String, String> DEMO = Map.of(
      "manager", "2468", "door", "1357", "desk", "1234", "booth", "4321", "observer", "9753");

  private static final Map<String, String> HASHES = new ConcurrentHashMap<>();
  private static final Map<Path, Map<String, String>> OVERRIDES = new ConcurrentHashMap<>();

  private TestPins() {}

  /** A hash of {@code pin} in PinHash's format at {@code iterations}, with a salt of its own. */
  public static String hash(String pin, int iterations) {
    byte[] salt = ("vaxflow-test-" + pin).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    PBEKeySpec spec = new PBEKeySpec(pin.toCharArray(), salt, iterations, 256);
    try {
      byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      Base64.Encoder b64 = Base64.getEncoder();
      return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } finally {
      spec.clearPassword();
    }
  }

  /**
   * For the config in {@code configFile}: a cheap hash of the PIN of every demo account it has, as
   * environment overrides ({@code VAXFLOW_STAFF_<ID>_PINHASH}); the PINs themselves are unchanged.
   */
  public static Map<String, String> overrides(Path configFile) {
    return OVERRIDES.computeIfAbsent(configFile.toAbsolutePath(), file -> {
      Map<String, String> env = new HashMap<>();
      for (StaffAccount a : ConfigLoader.load(file, Map.of()).staff()) {
        String pin = DEMO.get(a.id());
        if (pin != null) env.put("VAXFLOW_STAFF_" + a.id().toUpperCase(java.util.Locale.ROOT) + "_PINHASH",
            HASHES.computeIfAbsent(pin, p -> hash(p, ITERATIONS)));
      }
      return Map.copyOf(env);
    });
  }
}
