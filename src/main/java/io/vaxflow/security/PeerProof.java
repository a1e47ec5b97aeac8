package io.vaxflow.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
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

  private PeerProof(SecretKeySpec key) {
    this.key = key;
  }

  public static PeerProof fromVoucherSecret(String secret) {
    return new PeerProof(Hmac.derived(secret, "vaxflow-peer-v1"));
  }

  /** The header's value for {@code body}, sent now. */
  public String of(byte[] body, Instant now) {
    long ms = now.toEpochMilli();
    return ms + "." + sign(ms, body);
  }

  /** Whether {@code header} vouches for exactly {@code body} around {@code now}. */
  public boolean vouches(String header, byte[] body, Instant now) {
    if (header == null) return false;
    int dot = header.indexOf('.');
    if (dot <= 0) return false;
    long ms;
    try {
      ms = Long.parseLong(header.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(now.toEpochMilli() - ms) > WINDOW_MS) return false;
    return MessageDigest.isEqual(sign(ms, body).getBytes(StandardCharsets.US_ASCII),
        header.substring(dot + 1).getBytes(StandardCharsets.UTF_8));
  }

  private String sign(long ms, byte[] body) {
    byte[] head = (ms + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = body == null ? new byte[0] : body;
    byte[] all = new byte[head.length + bytes.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bytes, 0, all, head.length, bytes.length);
    return HexFormat.of().formatHex(Hmac.mac(key, all));
  }
}
