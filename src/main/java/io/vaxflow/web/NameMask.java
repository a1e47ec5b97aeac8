package io.vaxflow.web;

import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.StaffAccount.Role;
import io.vaxflow.flow.StationKind;

/** How much of a patient's name a station shows: in full to desks, vaccinators and managers, masked at the door. */
final class NameMask {

  private NameMask() {
  }

  /** The name as this staff member at this kind of station may see it. */
  static String forStation(String name, StaffAccount staff, StationKind kind) {
    boolean full = staff.has(Role.DESK) || staff.has(Role.VACCINATOR) || staff.runsSites();
    return full && kind != StationKind.DOOR ? name : mask(name);
  }

  /** "张三丰" → "张**", "Li Wei" → "L* W**": enough to greet, not to identify. */
  static String mask(String name) {
    StringBuilder b = new StringBuilder();
    boolean start = true;
    for (int cp : name.codePoints().toArray()) {
      if (cp == ' ') {
        b.append(' ');
        start = true;
      } else {
        b.appendCodePoint(start ? cp : '*');
        start = false;
      }
    }
    return b.toString();
  }
}
