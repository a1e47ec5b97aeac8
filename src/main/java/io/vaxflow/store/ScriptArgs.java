package io.vaxflow.store;

import java.util.List;

/**
 * The arguments of each Lua script, typed: a script gets them as ONE JSON object in ARGV[4] and
 * reads them as {@code A.<component>} (lua/lib/core.lua). Absent values are left out of the JSON
 * (nil in Lua, never cjson's truthy null). {@code LuaNamesTest} checks that every {@code A.x} a
 * script reads is a component of its record here.
 */
public final class ScriptArgs {

  private ScriptArgs() {}

  /** A script without arguments of its own (read-only reports). */
  public record None() {}

  /** A token bucket's refill rate (tokens per second) and burst, in the order of its key. */
  public record Limit(double rate, int burst) {}

  /** call_next, start, done, no_show, recall, return, pause, resume: the station acting. */
  public record OfStation(String station) {}

  /** transfer: from a station to another station of its kind, or to the head of a queue. */
  public record Transfer(String station, String target) {}

  /** door_scan, reinstate, ticket: a ticket by its number. */
  public record OfNumber(String number) {}

  /** follow: the tickets a server's phones follow, by number, each with the day of its link (same order). */
  public record Follow(List<String> numbers, List<String> days) {}

  /** away, back: a ticket by its number and the day its track token was made for (the person's own phone). */
  public record OfTrackedTicket(String number, String day) {}

  /**
   * tick: due timers handled in one run, at most; {@code floors} the highest number of each category (A, P, W)
   * the server saw issued today (a restarted Redis has its numbering lifted above them first).
   */
  public record Tick(int most, java.util.Map<String, Long> floors) {}

  /** say: due sayings claimed at most, and how late a saying may still be said. */
  public record Say(int most, long staleMs) {}

  /** snapshot: how many recent calls, and the site's stations. */
  public record Snapshot(int recentCalls, List<String> stations) {}

  public record Setting(String name, String value) {}

  /** settings: a manager's changes, in order. */
  public record Settings(List<Setting> changes) {}

  /** The highest sequence number of a day and category this server saw issued. */
  public record Highest(String day, String category, long seq) {}

  /** restore: 'start' | 'reset' | 'restart', the configured settings, the numbering to stay above. */
  public record Restore(String reason, List<Setting> settings, List<Highest> highest) {}

  /** checkin: the appointment as the registry (or the signed voucher) told it. */
  public record Appointment(String day, long slotStart, String category) {}

  /**
   * checkin: mode 'appt' | 'offline' | 'walkin'; {@code device} the kiosk's credential hash ('' for the demo's
   * local computer); {@code buckets} the limits of the rate-limit keys after the site's prefix (empty when the
   * caller took the tokens already); {@code appointment} null for a walk-in. {@code name} and {@code idNumber}
   * sealed ({@code security/PersonalData}), {@code person} the person's keyed hash ('' when none is known).
   */
  public record Checkin(String mode, String code, String idemKey, String name, String idNumber, String person, int dose,
                        long earlyMs, String device, List<Limit> buckets, Appointment appointment,
                        java.util.Map<String, Long> floors) {

    /** Without floors: {@code SiteFlow.checkin} adds the server's ({@link #withFloors}). */
    public Checkin(String mode, String code, String idemKey, String name, String idNumber, String person, int dose,
                   long earlyMs, String device, List<Limit> buckets, Appointment appointment) {
      this(mode, code, idemKey, name, idNumber, person, dose, earlyMs, device, buckets, appointment, null);
    }

    /** The same check-in, numbered above {@code floors}: the highest number of each category the server saw issued today. */
    public Checkin withFloors(java.util.Map<String, Long> floors) {
      return new Checkin(mode, code, idemKey, name, idNumber, person, dose, earlyMs, device, buckets, appointment, floors);
    }
  }

  /** kiosk_gate: the kiosk's credential hash ('' for the demo's local computer), then one limit per bucket key. */
  public record KioskGate(String device, List<Limit> buckets) {}

  /** device_seen: a device by its credential's hash, and the role it must be enrolled for ('' any). */
  public record DeviceSeen(String device, String role) {}

  /** shot_delivered: the immunization registry ({@code to}, its base URL) has the shot {@code shot}. */
  public record ShotDelivered(String shot, String to) {}

  /** cert_key: a new Ed25519 private key (PKCS#8 base64), kept unless the site has one already (demo mode). */
  public record CertKey(String privateKey) {}

  /** enrol_code: a one-time code (its hash) that enrols one device for a role, named, for ttlMs. */
  public record EnrolCode(String code, String role, String name, long ttlMs) {}

  /** enrol: the code (its hash) redeemed by a new device, the hash of its credential's secret, its id. */
  public record Enrol(String code, String device, String id) {}

  /** revoke_device: a device of the site by its id. */
  public record OfDevice(String id) {}

  /** A slot that can still be booked: HH:MM and its start. */
  public record Slot(String slot, long start) {}

  /**
   * book: a new appointment, on the first of {@code slots} with room left; a history of anaphylaxis observes 30 min;
   * its reminder due at {@code remindAt} (ms; at once when that is past). {@code changed}: '' for a new booking, else
   * what a change changed, the booking replaced being {@code previous} ('site/code'). {@code name}, {@code idNumber}
   * and {@code phone} sealed ({@code security/PersonalData}), erased at {@code eraseAt} (ms); {@code person} the
   * person's keyed hash.
   */
  public record Book(String code, String name, String idType, String idNumber, String person, String phone, int dose,
                     String priority, int slotCapacity, long keepSec, String day, List<Slot> slots,
                     boolean anaphylaxisHistory, long remindAt, long eraseAt, String changed, String previous, long epochDay) {}

  /** book_cancel: an appointment given up ({@code reason} cancelled | changed | erased; {@code movedTo} 'site/code' after a change). */
  public record BookCancel(String code, String reason, String movedTo) {}

  /** book_change: an appointment's safety flag as it is to be. */
  public record BookChange(String code, boolean anaphylaxisHistory) {}

  /** code_send: a one-time code for a phone (its keyed hash), its sealed delivery, and a booking's limits. */
  public record CodeSend(String phone, String person, String purpose, String hash, String ref, String sealed, long ttlMs,
                         int attempts, int perHour, int dose, String day, int maxPerPhone) {}

  /** code_verify: the code given (or a peer's word for it) and what it is for. */
  public record CodeVerify(String phone, String person, String hash, boolean peer, String purpose, int dose, String day,
                           int maxPerPhone, long pendingMs, long keepSec) {}

  /** claim_set: the person's booking of a dose, recorded for the city. */
  public record ClaimSet(String person, int dose, String phone, String site, String appointment, String day,
                         String oldDay, long keepSec) {}

  /** claim_drop: a claim given up: pending ({@code appointment} '') or that booking's. */
  public record ClaimDrop(String person, int dose, String phone, String day, String appointment) {}

  /** remind: due reminders moved into the stream in one run, at most. */
  public record Remind(int most) {}

  /** erase: people's names, ID numbers and phones due for erasure, at most this many a run. */
  public record Erase(int most) {}

  /** An alert a server sees: its code, what it is about (null: the site), its level, its value against its limit. */
  public record SeenAlert(String code, String subject, String severity, long value, long limit) {}

  /** alerts: every alert this server sees now, when (wall clock), and how long unseen clears one. */
  public record Alerts(List<SeenAlert> seen, long wallMs, long quietMs) {}

  /** rate_limit: one limit per key. */
  public record RateLimit(List<Limit> buckets) {}

  /** rate_queue: the booking spike's bucket, and the longest wait in line before a 429. */
  public record RateQueue(double rate, int burst, long maxWaitMs) {}

  /** login_guard: 'check' | 'failed' | 'succeeded', failures allowed, lockout. */
  public record LoginGuard(String mode, int allowed, long lockSec) {}

  /** observation: the people in observation, at most {@code max}. */
  public record Observation(int max) {}

  /** observe_reaction: what staff saw, how severe ('mild' | 'moderate' | 'severe'), since when (ms). */
  public record Reaction(String number, String symptoms, String severity, long at) {}

  /** site_mode: walk-ins stopped until this ms (0: allowed), closed for the rest of today; null: unchanged. */
  public record SiteMode(Long walkInsStoppedUntil, Boolean closedToday) {}

  /**
   * What a server heard from a hall display since its last write: its latest contact (ms), its latest
   * ack of a call (ms, 0: none, and that call's id), its sound ("on" | "off" | "no-voice", "": not said),
   * whether its connection closed then.
   */
  public record Heard(String display, long at, long ackAt, String call, String sound, boolean closed) {}

  /** display_acks: what the displays said since the last write, and the bounds of what is kept. */
  public record DisplayAcks(long forgetBefore, long keepMs, int most, List<Heard> heard) {}

  /**
   * lot_add: a lot received (or more vials of it): its expiry as a date, its epoch day and the end of that day in the
   * site's zone (ms); {@code seed}: the demo's stock, added only when the site has no such lot.
   */
  public record LotAdd(String lot, String product, String gtin, String expiry, long expiryDay, long usableUntil,
                       int dosesPerVial, int vials, boolean seed) {}

  /** vial_open: a vial of a lot opened at a booth; {@code product} the scanned carton's ('' when chosen by lot number). */
  public record VialOpen(String station, String lot, String product, long stopOpeningAt, int minWaitingToOpen) {}

  /**
   * standby_add: a person joins the site's standby list ({@code id} their phone's key; name and phone sealed), ranked
   * {@code rank} (nearest, then oldest), erased at {@code expireAt} (ms).
   */
  public record StandbyAdd(String id, String name, String phone, String community, int dose, double rank, long expireAt) {}

  /**
   * standby: invitations to the doses left over ({@code codes} new appointment codes, at most this many, and their signed
   * vouchers, category S), each good
   * {@code inviteMs}; {@code overbook} x the spare doses less those still out; a booking not checked in is expected up to
   * {@code lateMs} after its slot's start; {@code slot} now (local HH:MM); kept and erased as a booking's.
   */
  public record StandbyInvite(List<String> codes, List<String> vouchers, double overbook, long inviteMs, long lateMs, String slot,
                              long keepSec, long eraseAt) {}

  /** stock: the site's booths (their open vials). */
  public record Stock(List<String> booths) {}

  /** given: a shot recorded for the city: whose, which dose, when, what and where; kept {@code keepSec}. */
  public record Given(String person, int dose, String day, String product, String site, long keepSec) {}
}
