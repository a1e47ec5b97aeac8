package io.vaxflow.notify;

import io.vaxflow.security.Hmac;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;

/** The {@code X-Vaxflow-Signature} of a webhook body: {@code sha256=} and the hex HMAC-SHA256 of the body's bytes with the webhook's secret. */
final class Signature {

  static final String HEADER = "X-Vaxflow-Signature";

  private Signature() {}

  static String of(String secret, Buffer body) {
    SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), Hmac.ALGORITHM);
    return "sha256=" + HexFormat.of().formatHex(Hmac.mac(key, body.getBytes()));
  }
}
