package io.vaxflow.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * An Ed25519 key (RFC 8032, the JDK's own), as a site signs its vaccination certificates with it: made from a PKCS#8
 * private key (base64, as {@code openssl genpkey -algorithm ed25519} writes it between its PEM lines) or generated;
 * its public half as a JWK ({@code kty OKP, crv Ed25519, x}: RFC 8037) and its {@code kid}, the first 16 characters of
 * the key's RFC 7638 thumbprint, so every server names the same key the same way without being told. Signatures are
 * deterministic: the same bytes signed twice are the same signature.
 */
public final class SigningKey {

  /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the raw 32-byte key follows it. */
  private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String x;
  private final String kid;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.x = B64URL.encodeToString(raw(publicKey));
    this.kid = thumbprint(x).substring(0, 16);
  }

  /** A new key (a demo site's, {@code Certificates}). */
  public static SigningKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new SigningKey(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The key of a PKCS#8 private key in base64 (PEM's body: its BEGIN/END lines and whitespace are allowed); empty
   * when it is not an Ed25519 private key. Its public half is derived from it (the JDK generates the pair again from
   * the private key's 32 bytes, which is what an Ed25519 private key is).
   */
  public static Optional<SigningKey> fromPkcs8(String base64) {
    try {
      String body = base64.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s+", "");
      PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow();
      KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
      gen.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
      KeyPair pair = gen.generateKeyPair();
      return Optional.of(new SigningKey(key, pair.getPublic()));
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException | java.util.NoSuchElementException e) {
      return Optional.empty();
    }
  }

  /** The private key as PKCS#8 in base64 (what the config takes; kept in Redis for a demo site only). */
  public String pkcs8() {
    return Base64.getEncoder().encodeToString(privateKey.getEncoded());
  }

  /** The key's id in the JWK set and in a certificate's header. */
  public String kid() {
    return kid;
  }

  /** The public key, base64url (the JWK's {@code x}). */
  public String x() {
    return x;
  }

  /** The Ed25519 signature of {@code bytes} (64 bytes). */
  public byte[] sign(byte[] bytes) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(bytes);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code signature} is this key's signature of {@code bytes}. */
  public boolean verify(byte[] bytes, byte[] signature) {
    return verify(publicKey, bytes, signature);
  }

  /** Whether {@code signature} is the signature of {@code bytes} by the Ed25519 public key whose JWK {@code x} is given. */
  public static boolean verify(String x, byte[] bytes, byte[] signature) {
    try {
      byte[] raw = Base64.getUrlDecoder().decode(x);
      if (raw.length != 32) return false;
      byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
      System.arraycopy(raw, 0, der, X509_PREFIX.length, 32);
      return verify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)), bytes, signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean verify(PublicKey key, byte[] bytes, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(bytes);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a signature of the wrong length or form is no signature
    }
  }

  /** The raw 32 bytes of an Ed25519 public key: its X.509 encoding after the fixed prefix. */
  private static byte[] raw(PublicKey key) {
    byte[] der = key.getEncoded();
    return Arrays.copyOfRange(der, der.length - 32, der.length);
  }

  /** RFC 7638: base64url(SHA-256 of the JWK's required members in lexicographic order, no whitespace). */
  private static String thumbprint(String x) {
    try {
      String canonical = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}";
      return B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A "random" source that yields the private key's 32 bytes: the JDK's generator then computes its public key. */
  private static final class FixedSeed extends SecureRandom {
    private final byte[] seed;

    FixedSeed(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) throw new IllegalStateException("an Ed25519 private key is 32 bytes");
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
    }
  }
}
