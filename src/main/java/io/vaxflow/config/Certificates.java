package io.vaxflow.config;

import static io.vaxflow.config.Checked.quote;
import static io.vaxflow.config.Checked.require;

import io.vaxflow.security.SigningKey;
import java.util.List;

/**
 * The keys the sites sign vaccination certificates with (README "The immunization record and certificates"):
 * Ed25519 private keys, PKCS#8 in
 * base64 ({@code openssl genpkey -algorithm ed25519 | sed '1d;$d'}), each for one site. A site signs with its last key
 * not {@code retired}; a retired key still verifies what it signed (it stays in {@code /.well-known/vaxflow-keys}).
 * Give the key from the environment, not the file: {@code VAXFLOW_CERTIFICATES_KEYS_<ID>_PRIVATEKEY}. In demo mode a
 * site without a key gets one made at its first start and kept in Redis; outside demo mode it issues no certificate.
 */
public record Certificates(@Setting("[]") List<Key> keys) {

  public Certificates {
    keys = keys == null ? List.of() : List.copyOf(keys);
  }

  /** One site's key; {@code id} names it in the file and the environment (the key's kid is its thumbprint). */
  public record Key(
      @Setting String id,
      @Setting String site,
      @Setting("''") String privateKey,
      @Setting("false") boolean retired) implements Checked {

    @Override
    public void check() {
      require(id.matches("[a-z0-9][a-z0-9_-]{0,31}"), "id", "must be 1 to 32 characters: a-z, 0-9, _ or -; not " + quote(id));
      require(!privateKey.isBlank(), "privateKey", "is required: an Ed25519 private key, PKCS#8 in base64 (set "
          + "VAXFLOW_CERTIFICATES_KEYS_" + id.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_PRIVATEKEY)");
      require(SigningKey.fromPkcs8(privateKey).isPresent(), "privateKey", "is not an Ed25519 private key in PKCS#8 base64 "
          + "(openssl genpkey -algorithm ed25519 writes one: its lines between BEGIN and END)");
    }
  }
}
