package io.vaxflow.dispatch;

import io.vaxflow.appointment.Voucher;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Actor;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.security.PersonKey;
import io.vaxflow.security.PersonalData;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The standby list (issue 16, the last hour): people who would take a dose left over in an open vial at the end of a
 * day join the list of the site nearest their community (with the code of their phone, as a booking: {@link
 * Bookings#proven}); when a site's open vials hold more doses than the people still expected there, the sweep invites
 * them, nearest first, then the oldest (lua/standby.lua): an appointment of category {@code S} whose code goes to their
 * phone as a {@code standby} webhook event; the first to check in get the doses, the others are told it is gone
 * ({@code STANDBY_GONE}, lua/checkin.lua).
 */
public final class Standby {

  /** Who joins: their name, phone, community (where they would come from) and the dose they need. */
  public record Join(String name, String phone, String community, int dose) {}

  /** Joined: the site's list, their place in it and how many are on it. */
  public record Joined(SiteConfig site, int position, int waiting, double distanceKm) {}

  /** Invitations made in one look, at most (a site's leftover is a few vials' doses; the next look makes more). */
  private static final int CODES_PER_LOOK = 10;
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private final VaxflowConfig config;
  private final Map<String, SiteFlow> flows;
  private final PersonKey keys;
  private final PersonalData personal;

  public Standby(VaxflowConfig config, Map<String, SiteFlow> flows) {
    this.config = config;
    this.flows = flows;
    this.keys = PersonKey.fromVoucherSecret(config.voucherSecret());
    this.personal = PersonalData.fromVoucherSecret(config.voucherSecret());
  }

  /** A community the city knows (400 naming the field otherwise): checked before a code is sent. */
  public void check(Join j) {
    community(j);
  }

  private VaxflowConfig.Community community(Join j) {
    return config.communities().stream()
        .filter(x -> x.name().values().stream().anyMatch(n -> n.equalsIgnoreCase(j.community().strip())))
        .findFirst()
        .orElseThrow(() -> Rejection.invalid("community", "Unknown community; choose one from the list."));
  }

  /** Joins the list of the site (run here) nearest {@code j}'s community, for today (their phone already proven). */
  public Future<Joined> join(Join j) {
    VaxflowConfig.Community c = community(j);
    SiteConfig site = config.sites().stream()
        .min(Comparator.comparingDouble(s -> Dispatcher.km(c.lat(), c.lon(), s.lat(), s.lon())))
        .orElseThrow();
    double km = Dispatcher.km(c.lat(), c.lon(), site.lat(), site.lon());
    SiteFlow flow = flows.get(site.id());
    // nearest first (by 100 m), then the oldest
    double rank = Math.round(km * 10) * 1e13 + flow.now().toEpochMilli();
    ScriptArgs.StandbyAdd args = new ScriptArgs.StandbyAdd(keys.phone(j.phone()), personal.seal(j.name()),
        personal.seal(j.phone()), c.name().getOrDefault("en", j.community()), j.dose(), rank, endOfToday(flow));
    return flow.run(Script.STANDBY_ADD, args, Actor.of("public"))
        .map(r -> new Joined(site, r.getInteger("position"), r.getInteger("waiting"), km));
  }

  /**
   * One look at a site's leftover (at every sweep, flow.tickMs): invitations when its open vials hold spare doses. The
   * first look carries no codes (the script says how many it would invite); only then are codes made and signed.
   */
  public Future<?> invite(SiteFlow flow) {
    return invite(flow, 0).compose(r -> r.getInteger("wanted", 0) > 0
        ? invite(flow, Math.min(CODES_PER_LOOK, r.getInteger("wanted"))) : Future.succeededFuture(r));
  }

  private Future<io.vertx.core.json.JsonObject> invite(SiteFlow flow, int n) {
    VaxflowConfig.Standby s = config.standby();
    LocalTime now = LocalTime.ofInstant(flow.now(), config.timeZone()).withSecond(0).withNano(0);
    List<String> codes = new ArrayList<>();
    List<String> vouchers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String code = Voucher.newCode(flow.site().code());
      codes.add(code);
      // signed, category S: the kiosk lets it check in after the site's hours while the invitation holds
      vouchers.add(Voucher.sign(config.voucherSecret(), code, flow.today(), now, Voucher.STANDBY));
    }
    String slot = now.format(HH_MM);
    return flow.run(Script.STANDBY, new ScriptArgs.StandbyInvite(codes, vouchers, s.overbookFactor(), s.inviteMin() * 60_000L,
        s.lateMin() * 60_000L, slot, Duration.ofDays(3).toSeconds(), endOfToday(flow)), Actor.of("system"));
  }

  /** When a person's data of today is erased: the end of the day and privacy.retainHours. */
  private long endOfToday(SiteFlow flow) {
    return flow.today().plusDays(1).atStartOfDay(config.timeZone()).toInstant()
        .plus(Duration.ofHours(config.privacy().retainHours())).toEpochMilli();
  }
}
