package io.vaxflow.security;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one-time codes that bind a booking to the phone that receives its messages: six random digits; kept in the
 * store only as a keyed hash bound to the phone and the person ({@link #hash}), so the store never holds a code it
 * could show; and handed to the SMS gateway's delivery sealed (AES-GCM, {@link #seal}), in a key that expires with
 * the code, never in the event stream. Both keys are derived from the voucher secret.
 */
public final class OneTimeCode {

  /** What a sealed delivery holds: the phone to text and the code. */
  public record Message(String phone, String code) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec hashKey;
  private final SecretKeySpec sealKey;

  private OneTimeCode(SecretKeySpec hashKey, SecretKeySpec sealKey) {
    this.hashKey = hashKey;
    this.sealKey = new SecretKeySpec(Arrays.copyOf(sealKey.getEncoded(), 16), "AES");
  }

  /** Keys HMAC(voucherSecret, "vaxflow-code-v1") and HMAC(voucherSecret, "vaxflow-code-seal-v1"). */
  public static OneTimeCode fromVoucherSecret(String secret) {
    return new OneTimeCode(Hmac.derived(secret, "vaxflow-code-v1"), Hmac.derived(secret, "vaxflow-code-seal-v1"));
  }

  /** Six random digits. */
  public String newCode() {
    return String.format("%06d", RANDOM.nextInt(1_000_000));
  }

  /** A delivery's reference: 16 random hex digits. */
  public String newRef() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The code as the store keeps it: good only for this phone and this person. */
  public String hash(String phoneKey, String personKey, String code) {
    return HexFormat.of().formatHex(Hmac.mac(hashKey, phoneKey + "|" + personKey + "|" + code.strip()));
  }

  /** The phone and the code, sealed for the delivery (base64 of IV and AES-GCM ciphertext). */
  public String seal(String phone, String code) {
    return Aead.seal(sealKey, code + "|" + phone);
  }

  /** What {@link #seal} sealed with this key; empty when it is not (another secret, or tampered with). */
  public Optional<Message> open(String sealed) {
    return Aead.open(sealKey, sealed).flatMap(text -> {
      int bar = text.indexOf('|');
      return bar < 0 ? Optional.empty() : Optional.of(new Message(text.substring(bar + 1), text.substring(0, bar)));
    });
  }
}
