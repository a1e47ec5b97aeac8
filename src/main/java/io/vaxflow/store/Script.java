package io.vaxflow.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The table of the store's scripts, one line each: its name (the file {@code lua/<name>.lua}) and
 * the record of its own arguments ({@link ScriptArgs}, read by the script as {@code A.<component>}).
 * {@link Scripts} loads and runs exactly these; a station action names its script here
 * ({@code flow/StationAction}). {@code LuaNamesTest} checks the table against the files and what
 * each script reads; {@code TransitionChecklistTest} checks the rest of a transition.
 *
 * @param <A> the arguments record: {@code scripts.run(Script.CALL_NEXT, at, new ScriptArgs.OfStation("desk-1"))}
 */
public final class Script<A extends Record> {

  private static final List<Script<?>> TABLE = new ArrayList<>();

  // ---- the site's transitions ----
  public static final Script<ScriptArgs.Checkin> CHECKIN = waited("checkin", ScriptArgs.Checkin.class);
  public static final Script<ScriptArgs.OfNumber> DOOR_SCAN = waited("door_scan", ScriptArgs.OfNumber.class);
  public static final Script<ScriptArgs.OfStation> CALL_NEXT = waited("call_next", ScriptArgs.OfStation.class);
  public static final Script<ScriptArgs.OfStation> RECALL = waited("recall", ScriptArgs.OfStation.class);
  public static final Script<ScriptArgs.OfStation> START = waited("start", ScriptArgs.OfStation.class);
  public static final Script<ScriptArgs.OfStation> DONE = waited("done", ScriptArgs.OfStation.class);
  public static final Script<ScriptArgs.OfStation> NO_SHOW = waited("no_show", ScriptArgs.OfStation.class);
  public static final Script<ScriptArgs.OfStation> RETURN = waited("return", ScriptArgs.OfStation.class);
  public static final Script<ScriptArgs.Transfer> TRANSFER = waited("transfer", ScriptArgs.Transfer.class);
  public static final Script<ScriptArgs.OfStation> PAUSE = waited("pause", ScriptArgs.OfStation.class);
  public static final Script<ScriptArgs.OfStation> RESUME = waited("resume", ScriptArgs.OfStation.class);
  public static final Script<ScriptArgs.OfNumber> REINSTATE = waited("reinstate", ScriptArgs.OfNumber.class);
  public static final Script<ScriptArgs.OfTrackedTicket> AWAY = waited("away", ScriptArgs.OfTrackedTicket.class);
  public static final Script<ScriptArgs.OfTrackedTicket> BACK = waited("back", ScriptArgs.OfTrackedTicket.class);
  public static final Script<ScriptArgs.Tick> TICK = waited("tick", ScriptArgs.Tick.class);
  public static final Script<ScriptArgs.Settings> SETTINGS = waited("settings", ScriptArgs.Settings.class);
  public static final Script<ScriptArgs.Restore> RESTORE = waited("restore", ScriptArgs.Restore.class);
  public static final Script<ScriptArgs.SiteMode> SITE_MODE = waited("site_mode", ScriptArgs.SiteMode.class);
  public static final Script<ScriptArgs.Book> BOOK = waited("book", ScriptArgs.Book.class);
  public static final Script<ScriptArgs.BookCancel> BOOK_CANCEL = waited("book_cancel", ScriptArgs.BookCancel.class);
  public static final Script<ScriptArgs.BookChange> BOOK_CHANGE = waited("book_change", ScriptArgs.BookChange.class);
  public static final Script<ScriptArgs.Say> SAY = waited("say", ScriptArgs.Say.class);
  public static final Script<ScriptArgs.Remind> REMIND = waited("remind", ScriptArgs.Remind.class);
  public static final Script<ScriptArgs.Erase> ERASE = unwaited("erase", ScriptArgs.Erase.class);
  public static final Script<ScriptArgs.Alerts> ALERTS = waited("alerts", ScriptArgs.Alerts.class);
  public static final Script<ScriptArgs.DisplayAcks> DISPLAY_ACKS = waited("display_acks", ScriptArgs.DisplayAcks.class);
  public static final Script<ScriptArgs.OfNumber> OBSERVE_EXTEND = waited("observe_extend", ScriptArgs.OfNumber.class);
  public static final Script<ScriptArgs.Reaction> OBSERVE_REACTION = waited("observe_reaction", ScriptArgs.Reaction.class);
  public static final Script<ScriptArgs.OfNumber> OBSERVE_CLEAR = waited("observe_clear", ScriptArgs.OfNumber.class);
  public static final Script<ScriptArgs.OfNumber> OBSERVE_RELEASE = waited("observe_release", ScriptArgs.OfNumber.class);
  // ---- the site's stock: lots, vials opened at booths (done.lua records the shots) ----
  public static final Script<ScriptArgs.LotAdd> LOT_ADD = waited("lot_add", ScriptArgs.LotAdd.class);
  public static final Script<ScriptArgs.VialOpen> VIAL_OPEN = waited("vial_open", ScriptArgs.VialOpen.class);
  // ---- the last hour: the standby list and its invitations to the doses left over (lib/doses.lua) ----
  public static final Script<ScriptArgs.StandbyAdd> STANDBY_ADD = waited("standby_add", ScriptArgs.StandbyAdd.class);
  public static final Script<ScriptArgs.StandbyInvite> STANDBY = waited("standby", ScriptArgs.StandbyInvite.class);
  // ---- the city's (KEYS[1] vf:{city}): people's bookings and their phones' codes, their doses given ----
  public static final Script<ScriptArgs.CodeSend> CODE_SEND = waited("code_send", ScriptArgs.CodeSend.class);
  public static final Script<ScriptArgs.CodeVerify> CODE_VERIFY = waited("code_verify", ScriptArgs.CodeVerify.class);
  public static final Script<ScriptArgs.ClaimSet> CLAIM_SET = waited("claim_set", ScriptArgs.ClaimSet.class);
  public static final Script<ScriptArgs.ClaimDrop> CLAIM_DROP = waited("claim_drop", ScriptArgs.ClaimDrop.class);
  public static final Script<ScriptArgs.Given> GIVEN = waited("given", ScriptArgs.Given.class);
  // ---- the gateway's ----
  public static final Script<ScriptArgs.LoginGuard> LOGIN_GUARD = waited("login_guard", ScriptArgs.LoginGuard.class);
  public static final Script<ScriptArgs.RateQueue> RATE_QUEUE = waited("rate_queue", ScriptArgs.RateQueue.class);
  /** Its buckets are best effort: not waited for. */
  public static final Script<ScriptArgs.RateLimit> RATE_LIMIT = unwaited("rate_limit", ScriptArgs.RateLimit.class);
  /** Before the registry is asked about a voucher: the kiosk enrolled, then its buckets (best effort, as rate_limit). */
  public static final Script<ScriptArgs.KioskGate> KIOSK_GATE = unwaited("kiosk_gate", ScriptArgs.KioskGate.class);
  // ---- a site's devices ----
  public static final Script<ScriptArgs.EnrolCode> ENROL_CODE = waited("enrol_code", ScriptArgs.EnrolCode.class);
  public static final Script<ScriptArgs.Enrol> ENROL = waited("enrol", ScriptArgs.Enrol.class);
  public static final Script<ScriptArgs.OfDevice> REVOKE_DEVICE = waited("revoke_device", ScriptArgs.OfDevice.class);
  /** A device still enrolled, its lastSeen brought up to now (a note, not waited for). */
  public static final Script<ScriptArgs.DeviceSeen> DEVICE_SEEN = unwaited("device_seen", ScriptArgs.DeviceSeen.class);
  public static final Script<ScriptArgs.None> DEVICES = unwaited("devices", ScriptArgs.None.class);
  // ---- the immunization record ----
  /** The registry has a shot: its record notes it (no client waits on it: the delivery is retried until it is noted). */
  public static final Script<ScriptArgs.ShotDelivered> SHOT_DELIVERED = unwaited("shot_delivered", ScriptArgs.ShotDelivered.class);
  /** Demo mode: the site's certificate key, made by the first server that needs one. */
  public static final Script<ScriptArgs.CertKey> CERT_KEY = waited("cert_key", ScriptArgs.CertKey.class);
  // ---- reads: nothing a client is told about changes ----
  public static final Script<ScriptArgs.Snapshot> SNAPSHOT = unwaited("snapshot", ScriptArgs.Snapshot.class);
  public static final Script<ScriptArgs.OfNumber> TICKET = unwaited("ticket", ScriptArgs.OfNumber.class);
  public static final Script<ScriptArgs.Follow> FOLLOW = unwaited("follow", ScriptArgs.Follow.class);
  public static final Script<ScriptArgs.Observation> OBSERVATION = unwaited("observation", ScriptArgs.Observation.class);
  public static final Script<ScriptArgs.None> DAY_STATS = unwaited("day_stats", ScriptArgs.None.class);
  public static final Script<ScriptArgs.None> WAIT_ACCURACY = unwaited("wait_accuracy", ScriptArgs.None.class);
  public static final Script<ScriptArgs.Stock> STOCK = unwaited("stock", ScriptArgs.Stock.class);
  /** The dashboard's doses of the day: given and wasted by lot and by quarter hour, open vials, standby invitations. */
  public static final Script<ScriptArgs.Stock> DOSES_DAY = unwaited("doses_day", ScriptArgs.Stock.class);

  private final String name;
  private final Class<A> args;
  private final boolean waited;

  private Script(String name, Class<A> args, boolean waited) {
    this.name = name;
    this.args = args;
    this.waited = waited;
  }

  /** A script whose writes are confirmed by replicas first when {@code redis.waitReplicas} &gt; 0. */
  private static <A extends Record> Script<A> waited(String name, Class<A> args) {
    return add(new Script<>(name, args, true));
  }

  /** A script that changes nothing a client is told about: its reply is not held for replicas. */
  private static <A extends Record> Script<A> unwaited(String name, Class<A> args) {
    return add(new Script<>(name, args, false));
  }

  private static <A extends Record> Script<A> add(Script<A> script) {
    TABLE.add(script);
    return script;
  }

  /** Every script of the table, in its order. */
  public static List<Script<?>> all() {
    return Collections.unmodifiableList(TABLE);
  }

  /** The script's name: its file {@code lua/<name>.lua}. */
  public String name() {
    return name;
  }

  /** The record of its own arguments (ARGV[4]). */
  public Class<A> args() {
    return args;
  }

  /** Whether its writes wait for replicas (when the deployment asks for it). */
  public boolean waited() {
    return waited;
  }

  @Override
  public String toString() {
    return name;
  }
}
