package io.vaxflow.flow;

import io.vaxflow.config.SiteConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A station's name, kind and number: {@code door-1}, {@code desk-3}, {@code booth-2}. */
public record StationId(StationKind kind, int number) {

  private static final Pattern FORM = Pattern.compile("(door|desk|booth)-([1-9][0-9]?)");

  public String id() {
    return kind.wire() + "-" + number;
  }

  /** The station of that name if the site has it. */
  public static Optional<StationId> parse(String id, SiteConfig site) {
    Matcher m = FORM.matcher(id == null ? "" : id);
    if (!m.matches()) return Optional.empty();
    StationId s = new StationId(StationKind.valueOf(m.group(1).toUpperCase()), Integer.parseInt(m.group(2)));
    return s.number() <= count(site, s.kind()) ? Optional.of(s) : Optional.empty();
  }

  public static List<StationId> all(SiteConfig site) {
    List<StationId> all = new ArrayList<>();
    for (StationKind kind : StationKind.values()) {
      for (int n = 1; n <= count(site, kind); n++) all.add(new StationId(kind, n));
    }
    return all;
  }

  private static int count(SiteConfig site, StationKind kind) {
    return switch (kind) {
      case DOOR -> site.doors();
      case DESK -> site.desks();
      case BOOTH -> site.booths();
    };
  }

  @Override
  public String toString() {
    return id();
  }
}
