package io.vaxflow.config;

import java.util.Set;

/** A staff member who may log in: roles say which stations they work, sites where ("*" = every site). */
public record StaffAccount(String id, String name, String pinHash, Set<Role> roles, Set<String> sites) {

  public enum Role { DOOR, DESK, BOOTH, MANAGER }

  public boolean worksAt(String siteId) {
    return sites.contains("*") || sites.contains(siteId);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
