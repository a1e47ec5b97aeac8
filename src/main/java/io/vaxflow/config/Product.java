package io.vaxflow.config;

import static io.vaxflow.config.Checked.languages;
import static io.vaxflow.config.Checked.quote;
import static io.vaxflow.config.Checked.require;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A vaccine the city gives: its names, the GS1 GTINs printed on its cartons (GTIN-14, check digit verified here), its
 * code in the immunization record ({@code vaccineCode}), how many doses a vial holds and how long an opened vial may be
 * used ({@code discardAfterMin} after its first puncture), and its series ({@code schedule}): the doses in order, each
 * with its minimum interval after the previous one and, optionally, the products allowed for it (a booster given with
 * another product); without {@code products} a dose of the series is given with this product.
 */
public record Product(
    @Setting String id,
    @Setting Map<String, String> name,
    @Setting("[]") List<String> gtins,
    VaccineCode vaccineCode,
    @Setting(min = 1, max = 100) int dosesPerVial,
    @Setting(min = 1, max = 43200) int discardAfterMin,
    List<Dose> schedule) implements Checked {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final Pattern GTIN14 = Pattern.compile("[0-9]{14}");

  /** The product's code in an immunization record: a FHIR Coding (e.g. CVX 511). */
  public record VaccineCode(@Setting String system, @Setting String code, @Setting("''") String display) implements Checked {
    @Override
    public void check() {
      require(system.matches("(https?|urn):\\S+"), "system", "must be a code system URI (e.g. http://hl7.org/fhir/sid/cvx), not " + quote(system));
      require(!code.isBlank(), "code", "is required (empty)");
    }
  }

  /**
   * One dose of the series: its number, the days at least since the previous dose ({@code 0} for the first), and the
   * products it may be given with ({@code []}: this product).
   */
  public record Dose(
      @Setting(min = 1, max = 10) int dose,
      @Setting(value = "0", min = 0, max = 3650) int minIntervalDays,
      @Setting("[]") List<String> products) {}

  public Product {
    gtins = gtins == null ? List.of() : gtins.stream().map(String::strip).toList();
    schedule = schedule == null ? List.of() : List.copyOf(schedule);
  }

  @Override
  public void check() {
    require(ID.matcher(id).matches(), "id", "must be 1 to 32 characters: lower-case letters, digits or -; not " + quote(id));
    languages(name, "name", true);
    require(!gtins.isEmpty(), "gtins", "at least one GTIN (the 14 digits after (01) on the carton) is required");
    for (int i = 0; i < gtins.size(); i++) {
      String g = gtins.get(i);
      require(GTIN14.matcher(g).matches(), "gtins[" + i + "]", "must be a GTIN-14: 14 digits (quoted), not " + quote(g));
      require(validGtin(g), "gtins[" + i + "]", "check digit is wrong: " + quote(g) + " should end in " + checkDigit(g.substring(0, 13)));
    }
    require(!schedule.isEmpty(), "schedule", "at least one dose is required, e.g. [{dose: 1}]");
    for (int i = 0; i < schedule.size(); i++) {
      Dose d = schedule.get(i);
      require(d.dose() == i + 1, "schedule[" + i + "].dose", "must be " + (i + 1) + ": the doses of a series in order from 1");
      require(i > 0 || d.minIntervalDays() == 0, "schedule[0].minIntervalDays", "the first dose has no interval");
      for (String p : d.products()) {
        require(ID.matcher(p).matches(), "schedule[" + i + "].products", "unknown product " + quote(p));
      }
    }
  }

  public String name(String lang) {
    return name.getOrDefault(lang, name.getOrDefault("en", id));
  }

  /** The dose {@code n} of this series, if it has one. */
  public Optional<Dose> dose(int n) {
    return n >= 1 && n <= schedule.size() ? Optional.of(schedule.get(n - 1)) : Optional.empty();
  }

  /** The products dose {@code n} of this series may be given with: its {@code products}, else this one; none past the series. */
  public List<String> allowedFor(int n) {
    return dose(n).map(d -> d.products().isEmpty() ? List.of(id) : d.products()).orElse(List.of());
  }

  /** Whether {@code gtin} is 14 digits whose last is the GS1 mod-10 check digit of the 13 before it. */
  public static boolean validGtin(String gtin) {
    return gtin != null && GTIN14.matcher(gtin).matches() && gtin.charAt(13) - '0' == checkDigit(gtin.substring(0, 13));
  }

  /** The GS1 check digit of {@code digits}: from the right, weights 3, 1, 3, ...; the digit that makes the sum a multiple of 10. */
  static int checkDigit(String digits) {
    int sum = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(digits.length() - 1 - i) - '0';
      sum += i % 2 == 0 ? 3 * d : d;
    }
    return (10 - sum % 10) % 10;
  }
}
