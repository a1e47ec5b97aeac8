package io.vaxflow.dispatch;

import io.vaxflow.checkin.Voucher;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The city's dispatcher (the essay's global load balancing): books a person onto a site — the one
 * asked for, else the nearest one with a free slot that day — and issues the signed voucher.
 */
public final class Dispatcher {

  public enum Priority { ELDERLY, DISABLED, PREGNANT }

  public record Booking(String name, String idNumber, String phone, int dose, LocalDate day,
                        Optional<Double> lat, Optional<Double> lon, Optional<String> community,
                        Optional<String> siteId, Optional<Priority> priority) {}

  public record Appointment(String appointmentId, String code, SiteConfig site, LocalDate day, LocalTime slot,
                            String voucher, int predictedWaitMin, String reason, Optional<Double> distanceKm,
                            boolean again) {}

  private record Candidate(SiteConfig site, Optional<Double> km) {}

  private final VaxflowConfig config;
  private final Map<String, SiteFlow> flows;

  public Dispatcher(VaxflowConfig config, Map<String, SiteFlow> flows) {
    this.config = config;
    this.flows = flows;
  }

  public Future<Appointment> book(Booking b) {
    List<Candidate> candidates = candidates(b);
    return tryBook(b, candidates, 0);
  }

  private Future<Appointment> tryBook(Booking b, List<Candidate> candidates, int i) {
    Candidate c = candidates.get(i);
    return bookAt(b, c).recover(err -> {
      boolean full = err instanceof Rejection r && r.code().equals("NO_CAPACITY");
      if (full && i + 1 < candidates.size()) return tryBook(b, candidates, i + 1);
      return Future.failedFuture(err);
    });
  }

  /** The requested site alone, or every site nearest first. */
  private List<Candidate> candidates(Booking b) {
    if (b.siteId().isPresent()) {
      SiteConfig s = config.site(b.siteId().get())
          .orElseThrow(() -> Rejection.invalid("siteId", "There is no site with that id."));
      return List.of(new Candidate(s, Optional.empty()));
    }
    double lat, lon;
    if (b.lat().isPresent() && b.lon().isPresent()) {
      lat = b.lat().get();
      lon = b.lon().get();
    } else if (b.community().isPresent()) {
      String name = b.community().get().strip();
      VaxflowConfig.Community c = config.communities().stream()
          .filter(x -> x.name().values().stream().anyMatch(n -> n.equalsIgnoreCase(name)))
          .findFirst()
          .orElseThrow(() -> Rejection.invalid("community", "Unknown community; choose one from the list or give a location."));
      lat = c.lat();
      lon = c.lon();
    } else {
      throw Rejection.invalid("community", "Give a community, a location (lat and lon) or a site.");
    }
    List<Candidate> all = new ArrayList<>();
    for (SiteConfig s : config.sites()) all.add(new Candidate(s, Optional.of(km(lat, lon, s.lat(), s.lon()))));
    all.sort(Comparator.comparingDouble(c -> c.km().orElse(0.0)));
    return all;
  }

  private Future<Appointment> bookAt(Booking b, Candidate c) {
    SiteConfig site = c.site();
    SiteFlow flow = flows.get(site.id());
    LocalDate today = flow.today();
    if (b.day().isBefore(today) || b.day().isAfter(today.plusDays(14))) {
      throw Rejection.invalid("day", "Book a day from today to 14 days ahead.");
    }
    String code = Voucher.newCode(site.code());
    String category = b.priority().isPresent() ? "P" : "A";
    List<String> args = new ArrayList<>(List.of(code, b.name(), b.idNumber(), b.phone(), String.valueOf(b.dose()),
        b.priority().map(p -> p.name().toLowerCase()).orElse(""), String.valueOf(site.slotCapacity()),
        String.valueOf(Duration.ofDays(3).toSeconds() + Duration.between(today.atStartOfDay(), b.day().atStartOfDay()).toSeconds()),
        b.day().toString()));
    ZonedDateTime now = ZonedDateTime.ofInstant(flow.now(), config.timeZone());
    for (LocalTime t = site.opens(); t.isBefore(site.closes()); t = t.plusMinutes(site.slotMin())) {
      ZonedDateTime start = b.day().atTime(t).atZone(config.timeZone());
      if (!start.plusMinutes(site.slotMin()).isAfter(now)) continue; // slot already over
      args.add(t.toString());
      args.add(String.valueOf(start.toInstant().toEpochMilli()));
      if (t.plusMinutes(site.slotMin()).isBefore(t)) break; // wrapped past midnight
    }
    if (args.size() == 9) return Future.failedFuture(new Rejection("NO_CAPACITY", "No slot is left that day at " + site.name("en") + "."));
    return flow.run("book", "public", args).map(reply -> {
      JsonObject a = reply.getJsonObject("appointment");
      LocalTime slot = LocalTime.parse(a.getString("slot"));
      String cat = a.getString("priority", "").isEmpty() ? "A" : "P";
      String voucher = Voucher.sign(config.voucherSecret(), a.getString("code"), b.day(), slot, cat);
      // The slot's people arrive together and are served in order: the n-th waits for n-1 ahead.
      int place = Math.max(1, reply.getInteger("position", 1));
      int wait = (int) Math.ceil((place - 1) * config.flow().deskServiceMin() / site.desks());
      String reason = c.km().isEmpty()
          ? "You chose " + site.name("en") + "."
          : String.format("Nearest site with a free slot: %s, %.1f km away.", site.name("en"), c.km().get());
      return new Appointment(a.getString("code"), Voucher.display(a.getString("code")), site, b.day(), slot, voucher,
          wait, reason, c.km(), reply.getBoolean("again", false));
    });
  }

  /** Great-circle distance in kilometres. */
  public static double km(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1), dLon = Math.toRadians(lon2 - lon1);
    double a = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
    return 6371.0 * 2 * Math.asin(Math.sqrt(a));
  }
}
