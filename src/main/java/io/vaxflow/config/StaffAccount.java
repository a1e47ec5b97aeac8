package io.vaxflow.config;

import java.util.Locale;
import java.util.Set;

/**
 * A staff member who may log in. Roles say what they may do, sites where ("*" = every site):
 * door staff scan numbers into the vaccine room, desk staff register, vaccinators work the booths,
 * observers watch the observation area (as vaccinators may),
 * a manager does all of these and runs the site, an admin is a manager of every site.
 */
public record StaffAccount(String id, String name, String pinHash, Set<Role> roles, Set<String> sites) {

  public enum Role {
    DOOR, DESK, VACCINATOR, OBSERVER, MANAGER, ADMIN;

    /** From the config's word; "booth" is the old name of a vaccinator. */
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
