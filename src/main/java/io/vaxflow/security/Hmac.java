package io.vaxflow.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256, and the keys the server derives from its voucher secret: one per use, {@code HMAC(secret, label)}.
 * Public for {@link #mac(SecretKeySpec, byte[])} alone (a webhook's signature).
 */
public final class Hmac {

  public static final String ALGORITHM = "HmacSHA256";

  private Hmac() {}

  /** The key for one use ("vaxflow-track-v1", "vaxflow-person-v1", ...), derived from the voucher secret. */
  static SecretKeySpec derived(String secret, String label) {
    return new SecretKeySpec(mac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM), label), ALGORITHM);
  }

  static byte[] mac(SecretKeySpec key, String text) {
    return mac(key, text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] mac(SecretKeySpec key, byte[] bytes) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
