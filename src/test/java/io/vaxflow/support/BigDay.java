package io.vaxflow.support;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A big day's events laid into a site's stream directly, as the flow appends them (about ten events a person:
 * check-in, into the hall, calls, door, desk, booth, release; the day's first id recorded as its start), numbered
 * G00001… apart from the flow's own numbers: a second for a 20,000-person day instead of the minutes of playing it.
 * The events of a test's or the benchmark's audit log; send each request of {@link #requests} (one script each).
 */
public final class BigDay {

  /** Events one script appends. */
  private static final int PER_SCRIPT = 20_000;

  private static final String SCRIPT = """
      local first
      for i = 1, tonumber(ARGV[2]) do
        local k = tonumber(ARGV[3]) + i
        local kinds = {'checkin', 'enter_hall', 'call', 'call_room', 'call', 'door', 'station_call', 'start', 'done', 'release'}
        local kind = kinds[k % 10 + 1]
        local args = {'XADD', KEYS[1], '*', 'type', kind, 'day', ARGV[1], 'at', tostring(ARGV[4] + k * 1000), 'by', 'kiosk',
          'number', 'G' .. string.format('%05d', math.floor(k / 10))}
        if kind == 'call' then
          for _, f in ipairs({'toKind', 'room', 'toId', 'room', 'stage', 'hall'}) do args[#args + 1] = f end
        else
          for _, f in ipairs({'from', 'new/new', 'to', 'hall/waiting', 'category', 'W', 'predMin', '12', 'predLo', '8',
                              'predHi', '18'}) do args[#args + 1] = f end
        end
        local id = redis.call(unpack(args))
        if not first then first = id; redis.call('HSETNX', KEYS[2], ARGV[1], id) end
      end
      return first""";

  private BigDay() {}

  /** The scripts that lay {@code events} events of {@code day} at {@code site}; the first one answers the day's first id. */
  public static List<Request> requests(String site, String day, int events) {
    long at = LocalDate.parse(day).atTime(8, 0).atZone(ZoneId.of("Asia/Shanghai")).toInstant().toEpochMilli();
    List<Request> out = new ArrayList<>();
    for (int done = 0; done < events; done += PER_SCRIPT) {
      out.add(Request.cmd(Command.EVAL).arg(SCRIPT).arg(2).arg("vf:{" + site + "}:events").arg("vf:{" + site + "}:daystart")
          .arg(day).arg(Math.min(PER_SCRIPT, events - done)).arg(done).arg(at));
    }
    return out;
  }
}
