package io.vaxflow.support;

import io.vaxflow.security.IdDocument;

/**
 * Resident ID numbers that pass the booking's and the kiosk's checks (GB 11643: a Shanghai region code, a real birth
 * date, a check digit), made the way the standard says — the test's own arithmetic, not the server's class, so a wrong
 * check in the server fails the tests that book.
 */
public final class Ids {

  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String CHECK = "10X98765432";

  private Ids() {}

  /** The 17 digits and their check digit. */
  public static String valid(String first17) {
    if (!first17.matches("\\d{17}")) throw new IllegalArgumentException("17 digits, not " + first17);
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (first17.charAt(i) - '0') * WEIGHTS[i];
    return first17 + CHECK.charAt(sum % 11);
  }

  /**
   * The {@code n}-th resident ID of a series (0–99): region 3101{series}, born from 1950-01-01 on (n / 1000 days
   * later), sequence n % 1000: distinct for every (series, n) below 20 million.
   */
  public static String resident(int series, long n) {
    java.time.LocalDate born = java.time.LocalDate.of(1950, 1, 1).plusDays(n / 1000);
    return valid(String.format("3101%02d%04d%02d%02d%03d", series, born.getYear(), born.getMonthValue(), born.getDayOfMonth(), n % 1000));
  }

  /** The same ID with a wrong check digit (what a typo or a made-up number gives). */
  public static String wrongCheckDigit(String valid) {
    char right = valid.charAt(17);
    char wrong = right == '0' ? '1' : '0';
    return valid.substring(0, 17) + wrong;
  }

  /** The server's own check, for tests that state what it accepts. */
  public static boolean accepted(String number) {
    return IdDocument.RESIDENT.problem(number, java.time.LocalDate.of(2026, 11, 24)).isEmpty();
  }
}
