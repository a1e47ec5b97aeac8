package io.vaxflow.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The certificates' Ed25519 keys against RFC 8032's own test vector, and the masked ID numbers they carry. */
class SigningKeyTest {

  /** RFC 8032, 7.1, TEST 1: the secret key, its public key, and the signature of the empty message. */
  private static final String SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
  /** The DER of a PKCS#8 (RFC 8410) Ed25519 private key before its 32 bytes. */
  private static final String PKCS8_PREFIX = "302e020100300506032b657004220420";

  @Test
  void aPkcs8KeyGivesRfc8032sPublicKeyAndSignature() {
    String pkcs8 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(PKCS8_PREFIX + SECRET));
    SigningKey key = SigningKey.fromPkcs8("-----BEGIN PRIVATE KEY-----\n" + pkcs8 + "\n-----END PRIVATE KEY-----").orElseThrow();
    assertEquals(PUBLIC, HexFormat.of().formatHex(Base64.getUrlDecoder().decode(key.x())), "the public key derived from the private one");
    assertEquals(SIGNATURE, HexFormat.of().formatHex(key.sign(new byte[0])), "Ed25519 is deterministic: RFC 8032's signature");
    assertTrue(SigningKey.verify(key.x(), new byte[0], HexFormat.of().parseHex(SIGNATURE)));
    assertEquals(16, key.kid().length());
    assertEquals(pkcs8, key.pkcs8());
  }

  @Test
  void aKeyMadeHereSignsWhatOnlyItVerifies() {
    SigningKey a = SigningKey.generate();
    SigningKey again = SigningKey.fromPkcs8(a.pkcs8()).orElseThrow();
    assertEquals(a.kid(), again.kid(), "the kid is the public key's thumbprint: the same key, the same kid");
    byte[] text = "claims".getBytes(StandardCharsets.UTF_8);
    byte[] sig = a.sign(text);
    assertArrayEquals(sig, again.sign(text));
    assertTrue(SigningKey.verify(a.x(), text, sig));
    assertFalse(SigningKey.verify(a.x(), "claimz".getBytes(StandardCharsets.UTF_8), sig), "another text");
    assertFalse(SigningKey.verify(SigningKey.generate().x(), text, sig), "another key");
    assertFalse(SigningKey.verify(a.x(), text, new byte[3]), "no signature");
  }

  @Test
  void notAnEd25519PrivateKeyIsNoKey() {
    assertTrue(SigningKey.fromPkcs8("not base64 at all!").isEmpty());
    assertTrue(SigningKey.fromPkcs8(Base64.getEncoder().encodeToString(new byte[48])).isEmpty());
  }

  @Test
  void anIdNumberIsMaskedToWhatAnInspectorCompares() {
    assertEquals("1101**********123X", IdDocument.mask("11010519491231123x"));
    assertEquals("E******78", IdDocument.mask("E12345678"));
    assertEquals("****5", IdDocument.mask("12345"));
  }
}
