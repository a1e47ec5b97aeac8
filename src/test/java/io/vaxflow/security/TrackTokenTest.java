package io.vaxflow.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** A ticket link's key: the design's HMAC, 22 URL-safe characters, bound to site, day and number and to the secret. */
class TrackTokenTest {

  private static final String SECRET = "a-voucher-secret-of-some-length";

  @Test
  void theKeyIsTheTruncatedHmacOfSiteDayAndNumberUnderAKeyDerivedFromTheVoucherSecret() throws Exception {
    Mac derive = Mac.getInstance("HmacSHA256");
    derive.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] key = derive.doFinal("vaxflow-track-v1".getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] full = mac.doFinal("pudong|2026-11-24|W001".getBytes(StandardCharsets.UTF_8));
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));

    String k = TrackToken.fromVoucherSecret(SECRET).token("pudong", "2026-11-24", "W001");
    assertEquals(expected, k);
    assertEquals(22, k.length());
    assertTrue(k.matches("[A-Za-z0-9_-]{22}"), k);
  }

  @Test
  void onlyTheTicketsOwnKeyMatches() {
    TrackToken tokens = TrackToken.fromVoucherSecret(SECRET);
    String k = tokens.token("pudong", "2026-11-24", "W001");
    assertTrue(tokens.matches("pudong", "2026-11-24", "W001", k));
    assertFalse(tokens.matches("pudong", "2026-11-24", "W002", k), "another number");
    assertFalse(tokens.matches("pudong", "2026-11-25", "W001", k), "the same number on another day");
    assertFalse(tokens.matches("xuhui", "2026-11-24", "W001", k), "another site");
    assertFalse(tokens.matches("pudong", "2026-11-24", "W001", null), "no key");
    assertFalse(tokens.matches("pudong", "2026-11-24", "W001", ""), "an empty key");
    assertFalse(tokens.matches("pudong", "2026-11-24", "W001", k.substring(0, 21)), "a shortened key");
    assertFalse(tokens.matches("pudong", "2026-11-24", "W001", k + "A"), "a lengthened key");
    assertNotEquals(k, TrackToken.fromVoucherSecret(SECRET + "!").token("pudong", "2026-11-24", "W001"), "another secret");
  }
}
