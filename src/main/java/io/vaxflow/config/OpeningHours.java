package io.vaxflow.config;

import static io.vaxflow.config.Checked.quote;
import static io.vaxflow.config.Checked.require;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * When a site is open, in its own zone: every day from {@code openMinute} until (not including)
 * {@code closeMinute}, both minutes of the day; {@code closeMinute} 1440 is "24:00", the end of the
 * day, so 00:00–24:00 is a site open around the clock. The one place that answers "open now?",
 * "opens when?" and "can today still be booked?" for check-in, booking, the simulator and the
 * city's views.
 */
public record OpeningHours(int openMinute, int closeMinute, ZoneId zone) {

  public static final int DAY_MINUTES = 24 * 60;

  public OpeningHours {
    if (openMinute < 0 || openMinute >= DAY_MINUTES || closeMinute <= openMinute || closeMinute > DAY_MINUTES) {
      throw new IllegalArgumentException("opening hours must be 00:00 <= open < close <= 24:00");
    }
  }

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("H:mm");

  /** From the file's {@code open} and {@code close}, times of day HH:mm ({@code close} may be "24:00"), in the config's zone. */
  @JsonCreator
  static OpeningHours of(
      @JsonProperty("open") @Setting("'08:00'") String open,
      @JsonProperty("close") @Setting("'17:00'") String close,
      @JacksonInject ZoneId zone) {
    int opens = minuteOfDay(open, "open", false);
    int closes = minuteOfDay(close, "close", true);
    require(opens < closes, "", "open (" + open + ") must be before close (" + close
        + "); a site open around the clock has open \"00:00\", close \"24:00\"");
    return new OpeningHours(opens, closes, zone);
  }

  /** A time of day HH:mm at {@code key} as minutes since midnight; "24:00" (1440, the end of the day) only where {@code endOfDay}. */
  private static int minuteOfDay(String value, String key, boolean endOfDay) {
    String text = value == null ? "" : value.strip();
    if (text.equals("24:00")) {
      require(endOfDay, key, "24:00 is the end of a day, only a closing time; a site open around the clock opens at 00:00");
      return DAY_MINUTES;
    }
    try {
      return LocalTime.parse(text, HH_MM).toSecondOfDay() / 60;
    } catch (DateTimeParseException e) {
      throw ConfigException.at(key, (endOfDay ? "must be a time of day HH:mm from 00:01 to 24:00, e.g. 17:00"
          : "must be a time of day HH:mm from 00:00 to 23:59, e.g. 08:00") + "; not " + quote(text));
    }
  }

  public boolean aroundTheClock() {
    return openMinute == 0 && closeMinute == DAY_MINUTES;
  }

  public LocalTime opens() {
    return LocalTime.of(openMinute / 60, openMinute % 60);
  }

  /** "08:00" */
  public String openText() {
    return text(openMinute);
  }

  /** "17:00", or "24:00" for a site that closes at the end of the day. */
  public String closeText() {
    return text(closeMinute);
  }

  public long minutes() {
    return closeMinute - openMinute;
  }

  /** Open at {@code now}; exactly at closing time it is closed. */
  public boolean isOpen(Instant now) {
    int s = LocalTime.ofInstant(now, zone).toSecondOfDay();
    return s >= openMinute * 60 && s < closeMinute * 60;
  }

  /** Closing time has passed on {@code now}'s day: nothing more happens at the site that day. */
  public boolean closedForRestOfDay(Instant now) {
    return LocalTime.ofInstant(now, zone).toSecondOfDay() >= closeMinute * 60;
  }

  /** {@code now} if open, else the next instant the site opens (later today, or tomorrow). */
  public Instant opensAt(Instant now) {
    if (isOpen(now)) return now;
    LocalDate day = LocalDate.ofInstant(now, zone);
    Instant today = start(day, opens());
    return today.isAfter(now) ? today : start(day.plusDays(1), opens());
  }

  /** The first opening after {@code day} is over (a site closed early for the rest of that day). */
  public Instant opensAfter(LocalDate day) {
    return opensAt(start(day.plusDays(1), LocalTime.MIN));
  }

  /** A booking for {@code day} can still be served: a later day, or today before closing time. */
  public boolean bookable(LocalDate day, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    return day.isAfter(today) || day.equals(today) && !closedForRestOfDay(now);
  }

  /** The day's slot starts: every {@code slotMin} from opening while before closing. */
  public List<LocalTime> slotStarts(int slotMin) {
    List<LocalTime> out = new ArrayList<>();
    for (int m = openMinute; m < closeMinute; m += slotMin) out.add(LocalTime.of(m / 60, m % 60));
    return out;
  }

  /** The instant {@code time} of {@code day} begins in the site's zone (a time in a DST gap moves on). */
  public Instant start(LocalDate day, LocalTime time) {
    return ZonedDateTime.of(day, time, zone).toInstant();
  }

  private static String text(int minute) {
    return String.format("%02d:%02d", minute / 60, minute % 60);
  }
}
