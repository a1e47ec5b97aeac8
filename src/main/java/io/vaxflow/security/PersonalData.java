package io.vaxflow.security;

import java.util.Arrays;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * A person's name, ID number and phone as the store keeps them while they are needed (the desk's view of who it
 * serves, the reminder's text message, the kiosk's appointment, the immunization record): sealed with AES-GCM under a
 * key derived from the voucher secret ({@code HMAC(voucherSecret, "vaxflow-personal-v1")}), written {@code p1:<base64>}.
 * Whoever reads Redis, a dump of it or its append-only file learns nothing of them without the secret; they are
 * erased {@code privacy.retainHours} after they were last needed (lua/erase.lua). A value written before sealing
 * (plain text) opens as itself.
 */
public final class PersonalData {

  private static final String TAG = "p1:";

  private final SecretKeySpec key;

  private PersonalData(SecretKeySpec key) {
    this.key = key;
  }

  /** The key HMAC(voucherSecret, "vaxflow-personal-v1") (AES-256). */
  public static PersonalData fromVoucherSecret(String secret) {
    return new PersonalData(new SecretKeySpec(Arrays.copyOf(Hmac.derived(secret, "vaxflow-personal-v1").getEncoded(), 32), "AES"));
  }

  /** {@code text} sealed for the store; empty stays empty (nothing to keep). */
  public String seal(String text) {
    return text == null || text.isEmpty() ? "" : TAG + Aead.seal(key, text);
  }

  /** What the store holds, opened: a sealed value's text, a plain one as it is, nothing as "". */
  public String open(String stored) {
    if (stored == null) return "";
    if (!stored.startsWith(TAG)) return stored;
    return Aead.open(key, stored.substring(TAG.length())).orElse("");
  }

  /** Whether {@code stored} is a value sealed with this key (a test's look for what is left). */
  public Optional<String> opened(String stored) {
    if (stored == null || !stored.startsWith(TAG)) return Optional.empty();
    return Aead.open(key, stored.substring(TAG.length()));
  }
}
