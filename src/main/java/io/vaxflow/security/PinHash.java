package io.vaxflow.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Staff PINs as stored in {@code config/vaxflow.yaml}: PBKDF2 with HMAC-SHA256, a random 16-byte
 * salt, 210000 iterations and a 32-byte key, written
 * {@code pbkdf2-sha256$210000$<base64 salt>$<base64 key>}.
 *
 * <p>To hash a PIN for the config: {@code java -cp target/vaxflow.jar io.vaxflow.security.PinHash 2468}
 * (or give no argument and type the PIN on standard input).
 *
 * <p>{@link #verify} costs a few hundred milliseconds of CPU by design: never call it on an event loop.
 */
public final class PinHash {

  public static final String SCHEME = "pbkdf2-sha256";
  public static final int ITERATIONS = 210_000;
  public static final int SALT_BYTES = 16;
  public static final int KEY_BYTES = 32;

  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  /** Iteration counts accepted when reading a stored hash (older or stronger settings still verify). */
  private static final int MIN_ITERATIONS = 1_000;
  private static final int MAX_ITERATIONS = 10_000_000;
  private static final Pattern FORMAT =
      Pattern.compile("pbkdf2-sha256\\$[0-9]{1,9}\\$[A-Za-z0-9+/]+={0,2}\\$[A-Za-z0-9+/]+={0,2}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private PinHash() {}

  /** Hashes a PIN with a fresh random salt. */
  public static String hash(String pin) {
    if (pin == null || pin.isEmpty()) {
      throw new IllegalArgumentException("empty PIN");
    }
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] key = derive(pin, salt, ITERATIONS, KEY_BYTES);
    Base64.Encoder b64 = Base64.getEncoder();
    return SCHEME + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
  }

  /** True if {@code pin} matches {@code stored}; false for a wrong PIN or a malformed hash. Constant-time compare. */
  public static boolean verify(String pin, String stored) {
    if (pin == null || pin.isEmpty()) {
      return false;
    }
    Parsed p = parse(stored);
    if (p == null) {
      return false;
    }
    byte[] actual = derive(pin, p.salt, p.iterations, p.key.length);
    return MessageDigest.isEqual(actual, p.key);
  }

  /** True if {@code stored} is a hash in the format {@link #hash} produces (any sane iteration count). */
  public static boolean wellFormed(String stored) {
    return parse(stored) != null;
  }

  private record Parsed(int iterations, byte[] salt, byte[] key) {}

  private static Parsed parse(String stored) {
    if (stored == null || !FORMAT.matcher(stored).matches()) {
      return null;
    }
    String[] parts = stored.split("\\$");
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] key = Base64.getDecoder().decode(parts[3]);
      if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS
          || salt.length < 8 || salt.length > 64 || key.length != KEY_BYTES) {
        return null;
      }
      return new Parsed(iterations, salt, key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] derive(String pin, byte[] salt, int iterations, int keyBytes) {
    char[] chars = pin.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, keyBytes * 8);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " unavailable", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }

  /** Prints the hash of {@code args[0]}, or of a PIN read from standard input. */
  public static void main(String[] args) throws IOException {
    String pin;
    if (args.length > 0) {
      pin = args[0];
    } else {
      Console console = System.console();
      if (console != null) {
        char[] typed = console.readPassword("PIN: ");
        pin = typed == null ? null : new String(typed);
      } else {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        pin = in.readLine();
      }
    }
    pin = pin == null ? "" : pin.strip();
    if (pin.isEmpty()) {
      System.err.println("usage: PinHash <pin>   (or type the PIN on standard input)");
      System.exit(2);
    }
    System.out.println(hash(pin));
  }
}
