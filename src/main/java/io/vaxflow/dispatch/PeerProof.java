package io.vaxflow.dispatch;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How one Vaxflow server of a city vouches to another that the person of a request proved their phone here: a
 * booking for a site the other server runs (or its look-up, change or cancellation) goes with
 * {@code X-Vaxflow-Peer: <epoch ms>.<hex HMAC-SHA256(key, ms + "." + body)>}, the key derived from the voucher secret
 * the servers of a city share ({@code HMAC(voucherSecret, "vaxflow-peer-v1")}). The other server then asks for no code
 * of its own. A proof is good for {@link #WINDOW_MS} either side of the receiver's clock, for exactly that body.
 */
public final class PeerProof {

  public static final String HEADER = "X-Vaxflow-Peer";
  static final long WINDOW_MS = 300_000;

  private final SecretKeySpec key;

  private PeerProof(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  public static PeerProof fromVoucherSecret(String secret) {
    return new PeerProof(mac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
        "vaxflow-peer-v1".getBytes(StandardCharsets.UTF_8)));
  }

  /** The header's value for {@code body}, sent now. */
  String of(Buffer body, Instant now) {
    long ms = now.toEpochMilli();
    return ms + "." + sign(ms, body);
  }

  /** Whether {@code header} vouches for exactly {@code body} around {@code now}. */
  public boolean vouches(String header, Buffer body, Instant now) {
    if (header == null) return false;
    int dot = header.indexOf('.');
    if (dot <= 0) return false;
    Optional<Long> ms = parse(header.substring(0, dot));
    if (ms.isEmpty() || Math.abs(now.toEpochMilli() - ms.get()) > WINDOW_MS) return false;
    return MessageDigest.isEqual(sign(ms.get(), body).getBytes(StandardCharsets.US_ASCII),
        header.substring(dot + 1).getBytes(StandardCharsets.UTF_8));
  }

  private String sign(long ms, Buffer body) {
    byte[] head = (ms + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    byte[] all = new byte[head.length + bytes.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bytes, 0, all, head.length, bytes.length);
    return HexFormat.of().formatHex(mac(key, all));
  }

  private static Optional<Long> parse(String s) {
    try {
      return Optional.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static byte[] mac(SecretKeySpec key, byte[] text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
