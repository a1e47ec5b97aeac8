package io.vaxflow.config;

import static io.vaxflow.config.Checked.quote;
import static io.vaxflow.config.Checked.require;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.vaxflow.security.PinHash;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A staff member who may log in. Roles say what they may do, sites where ("*" = every site):
 * door staff scan numbers into the vaccine room, desk staff register, vaccinators work the booths,
 * observers watch the observation area (as vaccinators may),
 * a manager does all of these and runs the site, an admin is a manager of every site.
 */
public record StaffAccount(
    @Setting String id,
    @Setting("null") String name,
    @Setting String pinHash,
    @Setting("[]") Set<Role> roles,
    @Setting("[]") Set<String> sites) implements Checked {

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]{1,31}");

  /**
   * The PIN hashes of the demo accounts as shipped in config/vaxflow.yaml (their PINs are in the README): a
   * server outside demo mode refuses to start with one ({@link VaxflowConfig#insecureDefaults}).
   */
  public static final Set<String> DEMO_PIN_HASHES = Set.of(
      "pbkdf2-sha256$210000$r1EcWrjhdep/FW4uP1+rtg==$FmVXunQxqlDWTdB+alV9mKaSDOGxTt6UBGZBTY7sxV0=",
      "pbkdf2-sha256$210000$X0bsEI+1XwDd2u8XHmfBPg==$fCFwPwkxYOlLFpklswM0QfzaRLDA1n1R5nxXfCKOj1E=",
      "pbkdf2-sha256$210000$SADpVuFyjtYnEIbmhoDIYQ==$0/EBSoR7AmnBoXZAQoMZHbyaNURmqJv5AHWCGFbK/zs=",
      "pbkdf2-sha256$210000$K9c3u7qqmKyXC3msDiiTcA==$sTSQozfYlTNVMr67NA1lTXZrJo7Wq4Q30zUBzMlVlEE=",
      "pbkdf2-sha256$210000$3R4KgzRtZ0pyfDmYf6JmiQ==$zpjuzPwWJ6m1iZoke5OqOQ5JOYawsEJhBdW8iCz0+a0=");

  /** Without a name the id is shown; roles in their order, sites in the file's. */
  public StaffAccount {
    name = name == null ? id : name;
    roles = roles.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(roles));
    sites = Collections.unmodifiableSet(new LinkedHashSet<>(sites));
  }

  @Override
  public void check() {
    require(ID.matcher(id).matches(), "id",
        "must be 2 to 32 characters: a lower-case letter, then lower-case letters, digits, _ or -; not " + quote(id));
    require(PinHash.wellFormed(pinHash), "pinHash",
        "must be a PIN hash as printed by: java -cp target/vaxflow.jar io.vaxflow.security.PinHash <pin>");
    require(!roles.isEmpty(), "roles", "at least one role is required (door, desk, vaccinator, observer, manager, admin)");
    require(!sites.isEmpty(), "sites", "at least one site id (or \"*\" for every site) is required");
    require(!name.isBlank(), "name", "must not be empty");
  }

  public enum Role {
    DOOR, DESK, VACCINATOR, OBSERVER, MANAGER, ADMIN;

    /** From the config's word; "booth" is the old name of a vaccinator. */
    @JsonCreator
    public static Role of(String word) {
      String w = word.strip().toUpperCase(Locale.ROOT);
      return "BOOTH".equals(w) ? VACCINATOR : valueOf(w);
    }
  }

  public boolean worksAt(String siteId) {
    return roles.contains(Role.ADMIN) || sites.contains("*") || sites.contains(siteId);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** Managers and admins may do what any station's staff may do, at the sites they work at. */
  public boolean runsSites() {
    return roles.contains(Role.MANAGER) || roles.contains(Role.ADMIN);
  }
}
