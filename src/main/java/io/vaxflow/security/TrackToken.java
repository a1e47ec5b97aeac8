package io.vaxflow.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of a ticket's phone link ({@code /t/{site}/{number}?k=}): {@code k} is
 * base64url(HMAC-SHA256(key, site|day|number)) cut to 16 bytes (22 characters), so whoever holds
 * the printed ticket can follow it and nobody can guess another's. Nothing is stored: the server
 * finds the ticket's day from its number and checks {@code k} in constant time. The key is derived
 * from the voucher secret, so one secret signs vouchers and links, and changing it voids both.
 */
public final class TrackToken {

  private static final int BYTES = 16;

  private final SecretKeySpec key;

  TrackToken(byte[] key) {
    this.key = new SecretKeySpec(key.clone(), Hmac.ALGORITHM);
  }

  /** The links' key: HMAC(voucherSecret, "vaxflow-track-v1"). */
  public static TrackToken fromVoucherSecret(String secret) {
    return new TrackToken(Hmac.derived(secret, "vaxflow-track-v1").getEncoded());
  }

  /** The {@code k} of a ticket's link. */
  public String token(String site, String day, String number) {
    byte[] full = Hmac.mac(key, site + "|" + day + "|" + number);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, BYTES));
  }

  /** Whether {@code k} is the ticket's (constant time; a missing or malformed one is not). */
  public boolean matches(String site, String day, String number, String k) {
    if (k == null) return false;
    return MessageDigest.isEqual(token(site, day, number).getBytes(StandardCharsets.US_ASCII), k.getBytes(StandardCharsets.UTF_8));
  }
}
