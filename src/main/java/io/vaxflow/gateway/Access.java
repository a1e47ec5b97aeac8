package io.vaxflow.gateway;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.StaffAccount.Role;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.StationKind;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call a route: the rule a route declares where it is mounted, and the handler that
 * enforces it (401 UNAUTHENTICATED without a live session, 403 FORBIDDEN to staff of another site
 * or of a role the rule does not name, 403 DEVICE_REQUIRED on a device's route from anything but
 * one of the site's enrolled devices of its role). Managers and admins pass every rule at the sites
 * they run. A route's {@code :site} (and {@code :station}) parameter is checked before this runs.
 */
public record Access(Rule rule, Set<Role> roles, Optional<DeviceRole> device, Optional<String> bearer) implements Handler<RoutingContext> {

  public enum Rule {
    /** Anyone, no session needed. */
    PUBLIC,
    /** Anyone may ask; without a session the answer is 401. */
    SIGNED_IN,
    /** Any staff member of the route's site. */
    SITE_STAFF,
    /** Staff of the route's station's kind (door, desk, vaccinator) at the site. */
    STATION_KIND,
    /** Staff of the site with one of the rule's roles. */
    ROLES,
    /**
     * An enrolled device of the route's site (of the device's own site on a route without {@code :site}) for the
     * rule's device role, or in demo mode the local computer ({@link Devices#local}); no staff session needed. Decided
     * from the request alone, before the route's rate limits: anyone else costs a refusal, nothing more.
     */
    DEVICE,
    /** Not an endpoint: middleware, static files, the event-bus bridge (which guards itself). */
    PLUMBING
  }

  private static final Access PUBLIC = new Access(Rule.PUBLIC, Set.of());
  private static final Access PLUMBING = new Access(Rule.PLUMBING, Set.of());
  private static final Access SIGNED_IN = new Access(Rule.SIGNED_IN, Set.of());
  private static final Access SITE_STAFF = new Access(Rule.SITE_STAFF, Set.of());
  private static final Access STATION_KIND = new Access(Rule.STATION_KIND, Set.of());

  public Access {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    if ((rule == Rule.DEVICE) != device.isPresent()) throw new IllegalArgumentException("a device role goes with the DEVICE rule only");
    if (bearer.isPresent() && rule != Rule.ROLES) throw new IllegalArgumentException("a bearer token goes with a ROLES rule only");
  }

  private Access(Rule rule, Set<Role> roles) {
    this(rule, roles, Optional.empty(), Optional.empty());
  }

  /**
   * The same rule, or else a request whose {@code Authorization} is {@code Bearer <token>} (another system of the
   * city, not a person: the immunization registry reading a day's shots). A blank token (none configured) is declared
   * all the same and lets nobody in.
   */
  public Access orBearer(String token) {
    return new Access(rule, roles, device, Optional.of(token == null ? "" : token.strip()));
  }

  /** Whether the request carries the rule's bearer token (compared in constant time). */
  private boolean bearerMatches(RoutingContext ctx) {
    if (bearer.isEmpty() || bearer.get().isEmpty()) return false;
    String h = ctx.request().getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    return java.security.MessageDigest.isEqual(bearer.get().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        h.substring(7).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public static Access anyone() {
    return PUBLIC;
  }

  public static Access plumbing() {
    return PLUMBING;
  }

  public static Access signedIn() {
    return SIGNED_IN;
  }

  public static Access siteStaff() {
    return SITE_STAFF;
  }

  /** The staff who work the route's {@code :station}'s kind. */
  public static Access stationKind() {
    return STATION_KIND;
  }

  public static Access anyOf(Role... roles) {
    return new Access(Rule.ROLES, Set.of(roles));
  }

  /** Door, desk or vaccinator staff: whoever works a station. */
  public static Access stationStaff() {
    return anyOf(Role.DOOR, Role.DESK, Role.VACCINATOR);
  }

  public static Access manager() {
    return anyOf(Role.MANAGER);
  }

  /** One of the site's enrolled devices of that role (a kiosk, a staff tablet), or the demo's local computer. */
  public static Access device(DeviceRole role) {
    return new Access(Rule.DEVICE, Set.of(), Optional.of(role), Optional.empty());
  }

  /** Whether the route needs a staff session at all. */
  public boolean needsStaff() {
    return rule != Rule.PUBLIC && rule != Rule.PLUMBING && rule != Rule.DEVICE;
  }

  /** Whether the route is a device's: its rule is decided before anything else the route does. */
  public boolean needsDevice() {
    return rule == Rule.DEVICE;
  }

  /** Whether the rule is about one site (the route's {@code :site}). */
  public boolean siteScoped() {
    return rule == Rule.SITE_STAFF || rule == Rule.STATION_KIND || rule == Rule.ROLES;
  }

  /** Whether this staff member passes the rule at that site (and station kind, for a station route). */
  public boolean permits(StaffAccount s, String siteId, Optional<StationKind> kind) {
    return switch (rule) {
      case PUBLIC, PLUMBING, SIGNED_IN, DEVICE -> true;
      case SITE_STAFF -> s.worksAt(siteId);
      case STATION_KIND -> s.worksAt(siteId) && (s.runsSites() || kind.map(k -> s.has(k.role())).orElse(false));
      case ROLES -> s.worksAt(siteId) && (s.runsSites() || roles.stream().anyMatch(s::has));
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (needsDevice()) {
      Devices.require(ctx, device.get());
      ctx.next();
      return;
    }
    if (!needsStaff() || (StaffAuth.staff(ctx).isEmpty() && bearerMatches(ctx))) {
      ctx.next();
      return;
    }
    StaffAccount s = StaffAuth.current(ctx);
    if (siteScoped()) {
      String siteId = ctx.pathParam("site");
      if (!s.worksAt(siteId)) throw new Rejection(ErrorCode.FORBIDDEN, "You do not work at this site.");
      if (!permits(s, siteId, stationKind(ctx.pathParam("station")))) {
        throw Rejection.of(ErrorCode.FORBIDDEN);
      }
    }
    ctx.next();
  }

  /** "desk-2" → DESK. */
  static Optional<StationKind> stationKind(String station) {
    if (station == null || station.indexOf('-') < 0) return Optional.empty();
    String prefix = station.substring(0, station.indexOf('-')).toUpperCase(Locale.ROOT);
    for (StationKind k : StationKind.values()) if (k.name().equals(prefix)) return Optional.of(k);
    return Optional.empty();
  }

  @Override
  public String toString() {
    return (rule == Rule.ROLES ? "ROLES" + roles : rule == Rule.DEVICE ? "DEVICE[" + device.get().wire() + "]" : rule.name())
        + (bearer.isPresent() ? "+bearer" : "");
  }
}
