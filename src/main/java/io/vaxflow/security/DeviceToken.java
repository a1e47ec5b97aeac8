package io.vaxflow.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * An enrolled device's credential (the {@code vf_device} cookie): {@code <site>.<role>.<id>.<secret>.<tag>}, the
 * secret 32 random bytes and the tag base64url(HMAC-SHA256(key, site|role|id|secret)) cut to 16 bytes. The tag lets
 * a server tell, without asking anyone, that a credential is one it issued and for which site, role and device: a
 * made-up or altered one is refused before it costs a Redis round trip. Whether the device is still enrolled is
 * Redis' to say, where its record is kept under the SHA-256 of the secret ({@link Claim#hash}), never the
 * credential itself. The key is derived from the voucher secret, as the track links' is: changing the secret voids
 * every device's credential (each is enrolled again).
 */
public final class DeviceToken {

  private static final int TAG_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9-]{0,31})\\.([a-z]{1,16})\\.([a-z0-9-]{1,32})\\.([A-Za-z0-9_-]{43})\\.([A-Za-z0-9_-]{22})");

  private final SecretKeySpec key;

  private DeviceToken(byte[] key) {
    this.key = new SecretKeySpec(key.clone(), Hmac.ALGORITHM);
  }

  /** The credentials' key: HMAC(voucherSecret, "vaxflow-device-v1"). */
  public static DeviceToken fromVoucherSecret(String secret) {
    return new DeviceToken(Hmac.derived(secret, "vaxflow-device-v1").getEncoded());
  }

  /** What a credential says, once its tag holds: the device's site, role and id, and the hash its record is under. */
  public record Claim(String site, String role, String id, String hash, String token) {}

  /** A new credential's secret part: 32 random bytes, base64url. */
  public static String newSecret() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The credential of a device of that site and role, on that secret ({@link #newSecret}). */
  public String token(String site, String role, String id, String secret) {
    return site + "." + role + "." + id + "." + secret + "." + tag(site, role, id, secret);
  }

  /** What the credential says, if it is well formed and its tag holds (constant time). */
  public Optional<Claim> read(String token) {
    if (token == null || token.length() > 160) return Optional.empty();
    Matcher m = FORM.matcher(token);
    if (!m.matches()) return Optional.empty();
    String expected = tag(m.group(1), m.group(2), m.group(3), m.group(4));
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), m.group(5).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    return Optional.of(new Claim(m.group(1), m.group(2), m.group(3), hash(m.group(4)), token));
  }

  private String tag(String site, String role, String id, String secret) {
    byte[] full = Hmac.mac(key, site + "|" + role + "|" + id + "|" + secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, TAG_BYTES));
  }

  /** Hex SHA-256 of a text: what a secret (a credential's, an enrolment code) is kept under in Redis. */
  public static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
