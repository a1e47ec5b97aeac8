package io.vaxflow.appointment;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The appointment voucher, the essay's vaccination certificate. The QR code carries the signed
 * form {@code XH7K3M9Q2P.20261124.0930.A.5F2KQ8ZJ1C}: appointment code, day, slot, category and an
 * HMAC, so a kiosk can check it without asking anyone. People may also type the short code alone
 * ({@code XH-7K3M-9Q2P}); its first two letters name the site.
 */
public record Voucher(String code, Optional<LocalDate> day, Optional<LocalTime> slot, Optional<String> category) {

  /** The category of a standby invitation's voucher (a dose left over at the end of a day). */
  public static final String STANDBY = "S";

  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32
  private static final Pattern CODE = Pattern.compile("[A-Z]{2}[0-9A-HJKMNP-TV-Z]{8}");
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private static final DateTimeFormatter SLOT = DateTimeFormatter.ofPattern("HHmm");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The two letters of the site the appointment is at. */
  public String siteCode() {
    return code.substring(0, 2);
  }

  public static String newCode(String siteCode) {
    StringBuilder b = new StringBuilder(siteCode);
    for (int i = 0; i < 8; i++) b.append(ALPHABET.charAt(RANDOM.nextInt(32)));
    return b.toString();
  }

  /** The short code as printed for people: XH-7K3M-9Q2P. */
  public static String display(String code) {
    return code.substring(0, 2) + "-" + code.substring(2, 6) + "-" + code.substring(6);
  }

  public static String sign(String secret, String code, LocalDate day, LocalTime slot, String category) {
    String payload = code + "." + DAY.format(day) + "." + SLOT.format(slot) + "." + category;
    return payload + "." + mac(secret, payload);
  }

  /**
   * Reads what a person typed or scanned. Empty when it is neither a well-formed short code nor a
   * voucher whose signature holds.
   */
  public static Optional<Voucher> read(String secret, String input) {
    String s = input.strip().toUpperCase(Locale.ROOT).replace(" ", "");
    if (s.indexOf('.') < 0) {
      s = s.replace("-", "");
      return CODE.matcher(s).matches()
          ? Optional.of(new Voucher(s, Optional.empty(), Optional.empty(), Optional.empty()))
          : Optional.empty();
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 5 || !CODE.matcher(parts[0]).matches()) return Optional.empty();
    String payload = String.join(".", parts[0], parts[1], parts[2], parts[3]);
    if (!MessageDigest.isEqual(mac(secret, payload).getBytes(StandardCharsets.US_ASCII),
        parts[4].getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Voucher(parts[0], Optional.of(LocalDate.parse(parts[1], DAY)),
          Optional.of(LocalTime.parse(parts[2], SLOT)), Optional.of(parts[3])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String mac(String secret, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] h = mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 10; i++) b.append(ALPHABET.charAt(h[i] & 31));
      return b.toString();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
