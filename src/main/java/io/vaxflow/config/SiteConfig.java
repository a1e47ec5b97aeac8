package io.vaxflow.config;

import static io.vaxflow.config.Checked.languages;
import static io.vaxflow.config.Checked.quote;
import static io.vaxflow.config.Checked.require;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One vaccination site as configured: where it is, when it opens, how its slots and buffers
 * are sized and how many desks and booths it runs. Capacities here are the defaults; a manager
 * may change hall and room capacity at run time (kept in Redis). {@code targetWaitMin} is the
 * predicted wait the site aims to stay under (the dashboard advises when it is over; the capacity
 * planner plans for it). A site with {@code remote} is run
 * by the Vaxflow server at that base URL. {@code stock}: whether its booths need an open vial ({@link Stock}).
 */
public record SiteConfig(
    @Setting String id,
    @Setting String code,
    @Setting Map<String, String> name,
    @Setting("{}") Map<String, String> address,
    @Setting(min = -90, max = 90) double lat,
    @Setting(min = -180, max = 180) double lon,
    @Setting("false") boolean walkIns,
    OpeningHours hours,
    @Setting(value = "30", min = 1, max = 240) int slotMin,
    @Setting(value = "60", min = 1, max = 100000) int slotCapacity,
    @Setting(value = "100", min = 1, max = 100000) int hallCapacity,
    @Setting(value = "10", min = 1, max = 10000) int roomCapacity,
    @Setting(value = "1", min = 1, max = 10) int doors,
    @Setting(value = "2", min = 1, max = 50) int desks,
    @Setting(value = "3", min = 1, max = 50) int booths,
    @Setting(value = "30", min = 1, max = 1440) int targetWaitMin,
    @Setting("''") Optional<String> remote,
    Stock stock,
    LastHour lastHour) implements Checked {

  /**
   * The site's last hour (issue 16: the last hour of the day decides the waste of multi-dose vials): from
   * {@code stopOpeningAt} (local HH:MM; '' never) a booth opens no new vial unless at least {@code minWaitingToOpen}
   * people wait for a shot (at a desk, in the vaccination queue or at a booth) beyond the doses left in the site's other
   * open vials, the people on its standby list counting once one does; refused 409 STOP_OPENING.
   */
  public record LastHour(@Setting("''") String stopOpeningAt,
                         @Setting(value = "5", min = 0, max = 10000) int minWaitingToOpen) implements Checked {
    @Override
    public void check() {
      require(stopOpeningAt.isEmpty() || stopOpeningAt.matches("([01][0-9]|2[0-3]):[0-5][0-9]"), "stopOpeningAt",
          "must be a time of day HH:MM (quoted) or empty, not " + quote(stopOpeningAt));
    }

    /** When today's stop comes: the instant of {@code stopOpeningAt} on {@code day} in the site's zone, if any. */
    public Optional<java.time.Instant> stopOn(java.time.LocalDate day, java.time.ZoneId zone) {
      if (stopOpeningAt.isEmpty()) return Optional.empty();
      return Optional.of(day.atTime(java.time.LocalTime.parse(stopOpeningAt)).atZone(zone).toInstant());
    }
  }

  /**
   * The site's vaccine stock: with {@code required} (the default) a booth's {@code done} records the shot from the
   * booth's open vial and is refused without one; without it a booth with no open vial records shots without a lot
   * (a site that keeps its stock elsewhere). {@code demoLots}: lots added at start in demo mode only, each once (a
   * lot the site has already is left as it is), expiring {@code expiresInDays} after the day they are first added.
   */
  public record Stock(@Setting("true") boolean required, List<DemoLot> demoLots) {
    public Stock {
      demoLots = demoLots == null ? List.of() : List.copyOf(demoLots);
    }
  }

  /** A lot the demo city starts with. */
  public record DemoLot(
      @Setting String product,
      @Setting String lot,
      @Setting(min = 1, max = 1000000) int vials,
      @Setting(value = "180", min = 1, max = 3650) int expiresInDays) implements Checked {
    @Override
    public void check() {
      require(LOT.matcher(lot).matches(), "lot", "must be 1 to 20 letters, digits or - (a lot number), not " + quote(lot));
    }
  }

  /** A lot number as a carton prints it after (10): GS1 allows up to 20 characters; here letters, digits and -. */
  public static final Pattern LOT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,19}");

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,31}");
  private static final Pattern CODE = Pattern.compile("[A-Z]{2}");

  /** A remote base URL without its trailing slashes. */
  public SiteConfig {
    remote = remote.map(url -> url.replaceAll("/+$", ""));
  }

  @Override
  public void check() {
    require(ID.matcher(id).matches(), "id",
        "must be 2 to 32 characters: a lower-case letter, then lower-case letters, digits or -; not " + quote(id));
    require(CODE.matcher(code).matches(), "code", "must be two capital letters (A-Z), not " + quote(code));
    require(slotMin <= hours.minutes(), "slotMin",
        "must not be longer than the opening hours (" + hours.openText() + "-" + hours.closeText() + ")");
    remote.ifPresent(url -> require(url.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?"), "remote",
        "must be the base URL of the Vaxflow server that runs the site, e.g. http://10.0.0.2:8080, not " + quote(url)));
    languages(name, "name", true);
    languages(address, "address", false);
  }

  /** Run by another Vaxflow server ({@link #remote} is its base URL): no local flow, kiosk or hall. */
  public boolean isRemote() {
    return remote.isPresent();
  }

  public String name(String lang) {
    return name.getOrDefault(lang, name.getOrDefault("en", id));
  }

  public String address(String lang) {
    return address.getOrDefault(lang, address.getOrDefault("en", ""));
  }
}
