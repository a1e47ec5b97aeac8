package io.vaxflow.gateway;

import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Actor;
import io.vaxflow.flow.Rejection;
import io.vaxflow.security.DeviceToken;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A site's kiosks, hall displays and staff tablets: the devices its manager enrolled. A manager (or the operator's
 * {@code enrol} command, or the demo for the local browser) makes a one-time code for a role; the device redeems it
 * on {@code /sites/<site>/enrol} and keeps a long-lived credential, the {@code vf_device} cookie (HttpOnly,
 * SameSite=Strict, Secure on HTTPS; {@link DeviceToken}: the server tells its own credentials from made-up ones
 * without Redis). Check-ins are taken only from the site's kiosks, staff sign in only on its tablets, and only its
 * hall displays may acknowledge calls ({@link Access#device}, {@link StaffLogin}, the bridge).
 *
 * <p>Nothing about a device is remembered in memory beyond what its credential says: whether it is still enrolled
 * is read in the same round trip as what it does (checkin.lua, kiosk_gate.lua, device_seen.lua), so a revocation
 * holds on every instance for the very next request. Only the bridge keeps a display's connection once its device
 * was confirmed; a revocation is published on {@link #REVOKED} and every instance closes that device's connections
 * ({@link #onRevoked}; while the subscription is down the bridge confirms every acknowledgement instead).
 *
 * <p>Demo mode ({@code demo: true}, the shipped config): the browser on the server's own computer (a loopback peer,
 * not an address a proxy reports) is every device of every site ({@link #local}), and a page it opens enrols it as
 * that page's device ({@link #demoEnrol}), so the README's first command needs no enrolment step.
 */
public final class Devices {

  public static final String COOKIE = "vf_device";
  /** How long a one-time code may be redeemed. */
  public static final Duration CODE_TTL = Duration.ofMinutes(10);
  /** The credential's cookie lasts a year (browsers keep none longer than 400 days). */
  static final long COOKIE_MAX_AGE_SEC = Duration.ofDays(365).toSeconds();
  /** Channel on which a revoked device ({@code site|hash}) is announced to every instance. */
  public static final String REVOKED = SiteKeys.DEVICES_REVOKED;
  /** Who made a code when it was not a manager: the operator's command, the demo. */
  public static final String OPERATOR = "operator";
  public static final String DEMO = "demo";

  private static final String CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32
  private static final int CODE_LENGTH = 8;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CLAIM = "vf.device.claim";
  private static final String LOCAL = "vf.device.local";
  private static final String CALLER = "vf.device.caller";
  /** Who runs a script for a device itself (its lastSeen, its enrolment). */
  private static final String DEVICE_ACTOR = "device";

  private final Scripts store;
  private final VaxflowConfig config;
  private final Clock clock;
  private final DeviceToken tokens;
  private final Sessions sessions;
  private final List<BiConsumer<String, String>> revokedListeners = new CopyOnWriteArrayList<>();
  private volatile boolean following;

  public Devices(Scripts store, VaxflowConfig config, Clock clock, Sessions sessions) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.sessions = sessions;
    this.tokens = DeviceToken.fromVoucherSecret(config.voucherSecret());
  }

  // ---- who is asking: from the request alone ----

  /** A route handler noting the request's credential (if its tag holds) and whether it is the demo's local computer. */
  public void identify(RoutingContext ctx) {
    ctx.put(CLAIM, credential(ctx));
    ctx.put(LOCAL, local(ctx));
    ctx.next();
  }

  /** What the request's {@code vf_device} cookie says, if it is a credential this city issued. */
  public Optional<DeviceToken.Claim> credential(RoutingContext ctx) {
    Optional<DeviceToken.Claim> noted = ctx.get(CLAIM);
    if (noted != null) return noted;
    Cookie c = ctx.request().getCookie(COOKIE);
    return c == null ? Optional.empty() : tokens.read(c.getValue());
  }

  /** Demo mode, and the browser is on this computer: a loopback peer (or a loopback address a trusted proxy reports). */
  public boolean local(RoutingContext ctx) {
    Boolean noted = ctx.get(LOCAL);
    if (noted != null) return noted;
    if (!config.demoMode()) return false;
    try {
      return Forwarded.literal(Forwarded.client(ctx)).isLoopbackAddress();
    } catch (IllegalArgumentException unknown) {
      return false;
    }
  }

  /**
   * The device a route of that role serves at that site (empty: any site), from the request alone: in demo mode the
   * local computer, else the device of a credential for that site and role. Empty for anyone else.
   */
  public Optional<DeviceCaller> caller(RoutingContext ctx, DeviceRole role, Optional<String> site) {
    return Optional.ofNullable(caller(credential(ctx), local(ctx), ctx, role, site));
  }

  /**
   * The demo's local computer is itself, whatever credential it holds (the demo enrols it again as each page's device,
   * so the one it holds now may be another page's); anyone else is the device of a credential for that site and role.
   */
  private static DeviceCaller caller(Optional<DeviceToken.Claim> claim, boolean local, RoutingContext ctx, DeviceRole role,
                                     Optional<String> site) {
    if (local) return new DeviceCaller.Local(Forwarded.client(ctx));
    return claim.filter(c -> c.role().equals(role.wire()) && site.map(c.site()::equals).orElse(true))
        .map(DeviceCaller.Enrolled::new).orElse(null);
  }

  /**
   * The rule of a device's route ({@link Access#device}): the device it serves (the route's {@code :site}, if it has
   * one), kept for {@link #of}; anyone else is refused 403 DEVICE_REQUIRED here, before any rate limit, Redis or PIN.
   */
  static void require(RoutingContext ctx, DeviceRole role) {
    Optional<DeviceToken.Claim> claim = ctx.get(CLAIM);
    boolean local = Boolean.TRUE.equals(ctx.get(LOCAL));
    if (claim == null) throw new IllegalStateException("Devices.identify did not run before " + ctx.request().path());
    DeviceCaller caller = caller(claim, local, ctx, role, Optional.ofNullable(ctx.pathParam("site")));
    if (caller == null) throw Rejection.of(ErrorCode.DEVICE_REQUIRED);
    ctx.put(CALLER, caller);
  }

  /** The device a device's route serves (its rule let it in). */
  public static DeviceCaller of(RoutingContext ctx) {
    DeviceCaller c = ctx.get(CALLER);
    if (c == null) throw new IllegalStateException(ctx.request().path() + " is not a device's route");
    return c;
  }

  /** The credential's cookie: HttpOnly, SameSite=Strict, a year, Secure on HTTPS. */
  public static Cookie cookie(RoutingContext ctx, String token) {
    return SecureCookies.cookie(ctx, COOKIE, token, COOKIE_MAX_AGE_SEC).setHttpOnly(true);
  }

  // ---- the records, in Redis ----

  /** The device of this credential as Redis has it: still enrolled, for that role (else DEVICE_REVOKED or DEVICE_REQUIRED); seen now. */
  public Future<Device> seen(DeviceToken.Claim claim, DeviceRole role) {
    return run(claim.site(), Script.DEVICE_SEEN, Actor.of(DEVICE_ACTOR), new ScriptArgs.DeviceSeen(claim.hash(), role.wire()))
        .map(r -> Device.of(r.getJsonObject("device")));
  }

  /** A one-time code as shown (four characters, a dash, four more: e.g. K7QM-3XPA), and until when it may be redeemed. */
  public record EnrolmentCode(String site, DeviceRole role, String name, String code, Instant expiresAt) {}

  /** A one-time code that enrols one device of the site for the role, made by {@code by}: a manager (with their session), {@link #OPERATOR} or {@link #DEMO}. */
  public Future<EnrolmentCode> code(String site, DeviceRole role, Optional<String> name, Actor by) {
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < CODE_LENGTH; i++) code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
    String shown = code.substring(0, 4) + "-" + code.substring(4);
    String named = name.filter(n -> !n.isBlank()).orElse(defaultName(role));
    return run(site, Script.ENROL_CODE, by, new ScriptArgs.EnrolCode(codeHash(code.toString()), role.wire(), named, CODE_TTL.toMillis()))
        .map(r -> new EnrolmentCode(site, role, named, shown, Instant.ofEpochMilli(r.getLong("expiresAt"))));
  }

  /** A device enrolled: its record and its credential (the cookie's value). */
  public record Enrolled(Device device, String site, String credential) {}

  /**
   * Redeems a code for a new device of the site: the code is used up (422 ENROL_CODE_INVALID if it is wrong, used
   * or expired), the device enrolled under a new credential. {@code id}: the demo's own ids; else a new one.
   */
  public Future<Enrolled> enrol(String site, String typed, Optional<String> id) {
    String normalized = normalize(typed);
    if (normalized.length() != CODE_LENGTH) return Future.failedFuture(Rejection.of(ErrorCode.ENROL_CODE_INVALID));
    String deviceId = id.orElseGet(Devices::newId);
    // the code says the role, which the credential names: it is made once the script has read it, on the secret drawn first
    String secret = DeviceToken.newSecret();
    return run(site, Script.ENROL, Actor.of(DEVICE_ACTOR), new ScriptArgs.Enrol(codeHash(normalized), DeviceToken.hash(secret), deviceId))
        .compose(r -> replaced(site, r.getJsonObject("replaced")).map(v -> r))
        .map(r -> {
          Device d = Device.of(r.getJsonObject("device"));
          return new Enrolled(d, site, tokens.token(site, d.role().wire(), d.id(), secret));
        });
  }

  /** The site's devices, oldest enrolment first. */
  public Future<List<Device>> list(String site) {
    return run(site, Script.DEVICES, Actor.of(DEVICE_ACTOR), new ScriptArgs.None()).map(r -> {
      List<Device> out = new ArrayList<>();
      if (r.getValue("devices") instanceof JsonArray a) a.forEach(d -> out.add(Device.of((JsonObject) d)));
      out.sort(Comparator.comparing(Device::enrolledAt).thenComparing(Device::id));
      return out;
    });
  }

  /**
   * Withdraws a device's enrolment (404 NOT_FOUND for an id the site has not): its credential stops working at once
   * on every instance, the staff sessions opened on it are closed, and every instance's bridge drops its connections.
   */
  public Future<Void> revoke(String site, String id, Actor by) {
    return run(site, Script.REVOKE_DEVICE, by, new ScriptArgs.OfDevice(id)).compose(r -> closed(site, r));
  }

  /** A staff session opened on a tablet: closed when the tablet is revoked. */
  public Future<Void> opened(DeviceToken.Claim tablet, String session) {
    String key = SiteKeys.Site.DEVICE_SESSIONS.of(tablet.site(), tablet.id());
    return store.send(Request.cmd(Command.SADD).arg(key).arg(session))
        .compose(v -> store.send(Request.cmd(Command.EXPIRE).arg(key).arg(Sessions.TTL.toSeconds())))
        .mapEmpty();
  }

  /**
   * Demo mode: the local browser opening a page of the site is enrolled as that page's device, unless its credential
   * is one already (and still enrolled). The demo's devices have fixed ids ({@code demo-kiosk}, ...), so enrolling again
   * replaces one rather than adding another. Empty when nothing needed doing; the new credential otherwise.
   */
  public Future<Optional<String>> demoEnrol(RoutingContext ctx, String site, DeviceRole role) {
    Optional<DeviceToken.Claim> held = credential(ctx).filter(c -> c.site().equals(site) && c.role().equals(role.wire()));
    Future<Boolean> enrolled = held.isEmpty() ? Future.succeededFuture(false)
        : seen(held.get(), role).map(true).recover(err -> err instanceof Rejection ? Future.succeededFuture(false) : Future.failedFuture(err));
    return enrolled.compose(yes -> yes ? Future.succeededFuture(Optional.<String>empty())
        : code(site, role, Optional.of(demoName(role)), Actor.of(DEMO))
            .compose(c -> enrol(site, c.code(), Optional.of("demo-" + role.wire())))
            .map(e -> Optional.of(e.credential())));
  }

  // ---- revocations, as every instance hears them ----

  /** Called with (site, hash) whenever a device is revoked, on any instance. */
  public void onRevoked(BiConsumer<String, String> listener) {
    revokedListeners.add(listener);
  }

  /** Whether revocations are being received now: what a connection confirmed can be trusted meanwhile. */
  public boolean following() {
    return following;
  }

  void following(boolean on) {
    following = on;
  }

  /** A revocation message ({@code site|hash}). */
  void revoked(String message) {
    int bar = message.indexOf('|');
    if (bar <= 0) return;
    String site = message.substring(0, bar);
    String hash = message.substring(bar + 1);
    revokedListeners.forEach(l -> l.accept(site, hash));
  }

  // ---- helpers ----

  private Future<Void> replaced(String site, JsonObject replaced) {
    return replaced == null ? Future.succeededFuture() : closed(site, replaced);
  }

  /** A device withdrawn ({device: hash, sessions: [token]}): its sessions closed, every instance told. */
  private Future<Void> closed(String site, JsonObject r) {
    List<Future<Void>> closing = new ArrayList<>();
    if (r.getValue("sessions") instanceof JsonArray tokens) tokens.forEach(t -> closing.add(sessions.close(String.valueOf(t))));
    return Future.all(closing)
        .compose(v -> store.send(Request.cmd(Command.PUBLISH).arg(REVOKED).arg(site + "|" + r.getString("device"))))
        .mapEmpty();
  }

  private <A extends Record> Future<JsonObject> run(String site, Script<A> script, Actor by, A args) {
    Scripts.At at = Scripts.At.site(site, List.of(), clock.millis(), "", by.id(), by.session());
    return store.run(script, at, args).compose(r -> r.containsKey("err")
        ? Future.failedFuture(rejection(r)) : Future.succeededFuture(r));
  }

  private static Rejection rejection(JsonObject r) {
    String code = r.getString("err");
    JsonObject details = r.copy();
    details.remove("err");
    return ErrorCode.of(code).map(c -> new Rejection(c, details.isEmpty() ? null : details))
        .orElseGet(() -> new Rejection(code, code, details));
  }

  /** A code as typed: capitals, no spaces or dashes, and the letters people mistake for digits read as those digits. */
  static String normalize(String typed) {
    return typed.toUpperCase(Locale.ROOT).replaceAll("[^0-9A-Z]", "").replace('O', '0').replace('I', '1').replace('L', '1');
  }

  private static String codeHash(String normalized) {
    return DeviceToken.hash("enrol|" + normalized);
  }

  private static String newId() {
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < 8; i++) id.append(Character.toLowerCase(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length()))));
    return id.toString();
  }

  private static String defaultName(DeviceRole role) {
    return switch (role) {
      case KIOSK -> "Kiosk";
      case HALL -> "Hall display";
      case TABLET -> "Staff tablet";
    };
  }

  private static String demoName(DeviceRole role) {
    return defaultName(role) + " on this computer (demo)";
  }
}
