package io.vaxflow.security;

import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that stand for a person and a phone wherever the store only needs to match them (one booking per dose
 * across the city, bookings per phone and day, the phone's one-time code): the hex HMAC-SHA256 of the document type
 * and normalized number ({@code resident:310101199001011234}), or of the normalized phone, with a key derived from
 * the voucher secret ({@code HMAC(voucherSecret, "vaxflow-person-v1")}). Key names hold these, never the raw
 * number: whoever reads the store's keys learns nothing, and without the secret cannot test a guess.
 */
public final class PersonKey {

  private final SecretKeySpec key;

  private PersonKey(SecretKeySpec key) {
    this.key = key;
  }

  /** The people's key: HMAC(voucherSecret, "vaxflow-person-v1"). */
  public static PersonKey fromVoucherSecret(String secret) {
    return new PersonKey(Hmac.derived(secret, "vaxflow-person-v1"));
  }

  /** The key of a person: their document's type and number. */
  public String person(IdDocument type, String number) {
    return HexFormat.of().formatHex(Hmac.mac(key, type.wire() + ":" + IdDocument.normalize(number)));
  }

  /** The key of a phone number (as {@link #normalizePhone} writes it). */
  public String phone(String phone) {
    return HexFormat.of().formatHex(Hmac.mac(key, "phone:" + normalizePhone(phone)));
  }

  /** A phone number as one line is told from another: digits (and a leading +) only; China's +86 or 0086 left off. */
  public static String normalizePhone(String phone) {
    String p = phone.replaceAll("[\\s\\-()]", "");
    if (p.startsWith("+86")) return p.substring(3);
    if (p.startsWith("0086")) return p.substring(4);
    return p;
  }
}
