package io.vaxflow.store;

import java.util.List;

/**
 * Every Redis key (and the one pub/sub channel) of the system, the one place they are named;
 * Java builds keys only through here, the Lua scripts write the same site key names after
 * {@code P = KEYS[1] .. ':'} ({@code LuaNamesTest} checks the two agree).
 *
 * <p>Keys of a site start with {@code vf:{<site>}:}, the hash tag placing all of a site's keys in
 * one Redis Cluster slot, so a script can touch any of them; {@link Site} lists them (D is a day,
 * yyyy-mm-dd: the one a ticket was issued on, or today). Keys outside a site:
 * <ul>
 *   <li>{@code vf:session:<token>} string, a staff session: the staff id, with a TTL ({@link #session});
 *   <li>{@code vf:sessions:revoked} pub/sub channel: tokens of closed sessions ({@link #SESSIONS_REVOKED});
 *   <li>{@code vf:devices:revoked} pub/sub channel: devices whose enrolment was withdrawn ({@link #DEVICES_REVOKED});
 *   <li>{@code rl:{<address>}:<class>} hash, a token bucket per client address and route class ({@link #routeBucket});
 *   <li>{@code rl:{<site>}:kiosk:<kiosk>}, {@code rl:{<site>}:site} token buckets of check-ins, in the site's
 *       slot so checkin.lua takes them with the check-in ({@link #kioskBuckets}); {@code <kiosk>} is {@code dev:<id>}
 *       for an enrolled kiosk, the address of the demo's local computer;
 *   <li>{@code rl:{login}:addr:<address>}, {@code :pair:<staff>:<address>}, {@code :staff:<staff>},
 *       {@code :slow:<staff>} the login guard's counters ({@link #loginGuard}, lua/login_guard.lua);
 *   <li>{@code rl:{bookings}:city} the city's booking queue bucket ({@link #BOOKINGS_BUCKET}, lua/rate_queue.lua);
 *   <li>{@code vf:{city}:...} the city-wide keys of people's bookings, in one hash slot ({@link City}): who holds a
 *       booking of which dose, the doses a person was given, a phone's bookings of a day, a phone's one-time code. A person and a phone appear in
 *       them only as their keyed hashes ({@code security/PersonKey}), never as the number itself.
 * </ul>
 */
public final class SiteKeys {

  private static final String SYSTEM = "vf:";
  private static final String LIMITS = "rl:";

  /** The keys of a site: what follows {@code vf:{<site>}:} (a name ending in ':' takes more parts). */
  public enum Site {
    /** hash: people in the site now, n:&lt;stage bucket&gt;; streak:&lt;queue&gt;. */
    NOW("now"),
    /** hash: number -> D of the latest ticket with that number (lookups resolve here). */
    LIVE("live"),
    /** hash per D: the day's tallies: seq:&lt;A|P|W&gt;, issued, n:released, n:no_show. */
    DAY("day:"),
    /** hash per D and number: one ticket (day, number, stage, state, ...; name, idNumber sealed until erased; hold). */
    TICKET("t:"),
    /** list per queue and lane: q:&lt;outside|hall|room|vacc&gt;:&lt;p|r&gt;. */
    QUEUE("q:"),
    /** hash per station id: one station (state, ticket, day, staffId, since). */
    STATION("st:"),
    /** zset: 'arrive|D|num', 'lease|station', 'observe|D|num' scored by due ms. */
    TIMERS("timers"),
    /** hash: cfg.&lt;name&gt; from the config (cfg.epoch marks a Redis that has the site's data), &lt;name&gt; set by a manager. */
    SETTINGS("settings"),
    /** stream: every transition (the audit log). */
    EVENTS("events"),
    /** stream: the call events only, same ids, capped (the calls feed). */
    CALLS("calls"),
    /** zset: 'D|num' of people in observation held by a severe reaction, scored by ms of the reaction. */
    OBSERVE_HELD("observe:held"),
    /** zset: a call's repeat sayings 'callId|n' scored by due ms. */
    SAYS("says"),
    /** hash of an earlier release (hall display -> last ack, unbounded); removed when a server starts (restore.lua). */
    DISPLAYS_OLD("displays"),
    /** zset: hall display id scored by ms of the last contact with it (an ack, a hello, a ping; bounded, expires). */
    DISPLAY_ACKS("displays:acks"),
    /** hash: hall display id -> 'ackMs|callId|contactMs|sound|closed': its last ack, its last contact, its sound. */
    DISPLAY_LAST("displays:last"),
    /** hash: D -> id of the day's first event. */
    DAY_START("daystart"),
    /** set: numbers of tickets waiting outside or in the hall that wait away or were called back (lua/follow.lua reads their hash). */
    AWAY_TICKETS("away:tickets"),
    /** hash per appointment code: one appointment (name, idNumber, phone sealed until erased; person its PersonKey). */
    APPOINTMENT("appt:"),
    /** zset: appointment code scored by ms its reminder is due (lua/book.lua, lua/remind.lua); a cancellation removes it. */
    REMINDERS("reminders"),
    /** hash: 'CODE' or 'CODE|subject' of an alert raised -> 'wall ms|severity|value|limit' of its last sighting (lua/alerts.lua). */
    ALERTS("alerts"),
    /** hash per D: slot HH:MM -> appointments booked. */
    SLOTS("slots:"),
    /** string per idempotency key: 'D|num' of the check-in made with it. */
    IDEMPOTENCY("idem:"),
    /** string per voucher code: the number it was checked in as. */
    USED("used:"),
    /** string per D and person (their keyed hash, PersonKey: never the ID number): their first ticket number that day. */
    PERSON("person:"),
    /**
     * zset: 't|D|num' (a ticket released or no-show) and 'a|code' (a booking) scored by the ms its person's name, ID
     * number and phone are erased, privacy.retainHours after they were last needed (lua/erase.lua).
     */
    ERASE("erase"),
    /** list per station kind (desk, booth): the latest service durations in ms, newest first (lua/lib/waits.lua). */
    SERVICE_TIMES("svc:"),
    /** list: 'at|actualMs|loMs|hiMs' of the latest booth calls of tickets with a predicted wait (lua/lib/waits.lua). */
    WAITS_SCORED("waits:scored"),
    /** hash per D: the dashboard's figures of the day, kept as it happens (lua/lib/stats.lua). */
    STATS("stats:"),
    /** hash per D and wait (desk, booth): the day's ended waits by tenths of a minute, n, ms (lua/lib/stats.lua). */
    HISTOGRAM("hist:"),
    /** string per session token, for a minute: the session was closed; every site script refuses it (lua/lib/core.lua). */
    CLOSED_SESSION("closed:"),
    /**
     * hash per credential: one enrolled device (id, role, name, enrolledAt, enrolledBy, lastSeen), under the SHA-256 of
     * its credential's secret part (the credential itself is never stored; lua/lib/devices.lua).
     */
    DEVICE("device:"),
    /** hash: device id -> the hash its record is kept under: the site's devices. */
    DEVICES("devices"),
    /** hash per one-time code, for minutes: what the code enrols (role, name, by, expiresAt), under the code's SHA-256. */
    ENROL("enrol:"),
    /** set per device id: the tokens of the staff sessions opened on that tablet (closed when it is revoked). */
    DEVICE_SESSIONS("device_sessions:"),
    /**
     * hash per lot number: one lot of the site's stock (product, lot, gtin, expiry, usableUntil, dosesPerVial, vials
     * sealed, opened, given, wasted, addedAt, addedBy; lua/lib/stock.lua).
     */
    LOT("lot:"),
    /** zset: the site's lot numbers scored by their expiry's epoch day. */
    LOTS("lots"),
    /** hash per booth: its open vial (lot, product, openedAt, expiresAt, dosesLeft, vialNo, openedBy). */
    VIAL("vial:"),
    /**
     * hash per shot id ({@code <site>-<day>-<number>-d<dose>}): one shot given (product, lot, expiry, dose, at, by,
     * station, day, number, appointment, personKey), the immunization record's source; deliveredAt, deliveredTo once
     * the immunization registry has it (lua/shot_delivered.lua).
     */
    SHOT("shot:"),
    /** hash per D: the day's doses given and wasted (given, wasted, given:&lt;lot&gt;, wasted:&lt;lot&gt;). */
    STOCK("stock:"),
    /** string: the site's certificate signing key, PKCS#8 base64, made in demo mode only (lua/cert_key.lua). */
    CERT_KEY("certkey"),
    /**
     * hash: D -> doses booked for D not yet given nor let go (a cancellation, the shot, a no-show); a booking within the
     * doses (lua/lib/doses.lua).
     */
    DOSES_BOOKED("doses:booked"),
    /** zset per D: appointment code -> its slot's start (ms) while its dose is held: the bookings still expected. */
    ARRIVALS("arrivals:"),
    /** zset: standby id -> rank (nearest community, then oldest registration): the site's standby list. */
    STANDBY("standby"),
    /** hash per standby id: one person on the list (name, phone sealed; community, dose, at), erased with the day. */
    STANDBY_PERSON("standby:"),
    /** zset per D: appointment code of a standby invitation -> when it expires (ms), until checked in or expired. */
    INVITES("invites:");

    private final String name;

    Site(String name) {
      this.name = name;
    }

    /** The name as the scripts write it after the site prefix. */
    public String keyName() {
      return name;
    }

    /** This key of {@code site}, with {@code parts} joined by ':' after a name that takes them. */
    public String of(String site, String... parts) {
      return prefix(site) + ":" + name + String.join(":", parts);
    }
  }

  /**
   * The city-wide keys: what follows {@code vf:{city}:}. The city's scripts (lua/code_send.lua, code_verify.lua,
   * claim_set.lua, claim_drop.lua, given.lua) write them after {@code C = KEYS[1] .. ':'}; {@code <person>} and {@code <phone>}
   * are {@code PersonKey}'s hex hashes.
   */
  public enum City {
    /** hash per person key and dose: the booking that person holds of that dose (state pending|booked, phone, site, appt, day, at). */
    DOSE("dose:"),
    /** set per phone key and D: '&lt;person&gt;:&lt;dose&gt;' of the bookings made with that phone for that day. */
    PHONE_DAY("phone:"),
    /** hash per phone key: its one-time code (h: keyed hash bound to the person, purpose, left: tries left, exp ms). */
    CODE("otp:"),
    /** hash per phone key: the token bucket of the codes sent to it. */
    CODE_SENDS("otpsends:"),
    /** string per delivery reference: the phone and code sealed for the SMS gateway's delivery; expires with the code. */
    CODE_OUT("otpout:"),
    /** stream: the 'otp' events (ref, purpose, expiresAt; never the code or the phone), read by the webhooks. */
    EVENTS("events"),
    /** hash per person key: dose -&gt; 'D|product|site' of each shot given to that person (lua/given.lua). */
    GIVEN("given:");

    private final String name;

    City(String name) {
      this.name = name;
    }

    /** The name as the scripts write it after the city's prefix. */
    public String keyName() {
      return name;
    }

    /** This key, with {@code parts} joined by ':' after a name that takes them. */
    public String of(String... parts) {
      return city() + ":" + name + String.join(":", parts);
    }
  }

  /** {@code vf:{city}}: KEYS[1] of the city's scripts (the name no site may have: {@code VaxflowConfig.CITY}). */
  public static String city() {
    return prefix(io.vaxflow.config.VaxflowConfig.CITY);
  }

  /** Channel on which a revoked device ('site|hash') is published to every instance (its bridge connections close). */
  public static final String DEVICES_REVOKED = SYSTEM + "devices:revoked";

  /** Channel on which a closed session's token is published to every instance. */
  public static final String SESSIONS_REVOKED = SYSTEM + "sessions:revoked";

  /** The city's booking bucket (one queue for every site). */
  public static final String BOOKINGS_BUCKET = LIMITS + "{bookings}:city";

  private SiteKeys() {}

  /** {@code vf:{<site>}}: KEYS[1] of every site script. */
  public static String prefix(String site) {
    return SYSTEM + "{" + site + "}";
  }

  /**
   * A key of the site's slot that is never written: {@code /health} probes each site with a write of nothing to it
   * ({@code SETRANGE key 0 ""}), which a full, read-only or disk-failing Redis refuses like any write.
   */
  public static String probe(String site) {
    return prefix(site) + ":probe";
  }

  /** The latest service durations (ms, newest first) of a station kind: desk, booth. */
  public static String serviceTimes(String site, String kind) {
    return prefix(site) + ":" + Site.SERVICE_TIMES.keyName() + kind;
  }

  /** A staff session. */
  public static String session(String token) {
    return SYSTEM + "session:" + token;
  }

  /** The token bucket of a client address for a class of routes ("booking", "read", ...). */
  public static String routeBucket(String address, String routeClass) {
    return LIMITS + "{" + address + "}:" + routeClass;
  }

  /** The check-in buckets (the kiosk: {@code dev:<id>} or the demo's local address; the whole site), in the site's hash slot. */
  public static List<String> kioskBuckets(String site, String kiosk) {
    return List.of(LIMITS + "{" + site + "}:kiosk:" + kiosk, LIMITS + "{" + site + "}:site");
  }

  /**
   * The login guard's KEYS (see lua/login_guard.lua): the tablet ({@code dev:<site>:<id>}, or the demo's local
   * address), staff id from it, staff id, slow-down.
   */
  public static List<String> loginGuard(String staffId, String address) {
    String p = LIMITS + "{login}:";
    return List.of(p + "addr:" + address, p + "pair:" + staffId + ":" + address, p + "staff:" + staffId, p + "slow:" + staffId);
  }
}
