package io.vaxflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.errors.ErrorCode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Lua scripts and the Java catalogues name the same keys, error codes and arguments. */
class LuaNamesTest {

  private static final Path LUA = Path.of("src/main/resources/lua");
  /** {@code P .. 'name'}: a site key as a script writes it (P is the site prefix with its ':'). */
  private static final Pattern SITE_KEY = Pattern.compile("\\bP\\s*\\.\\.\\s*'([a-z_:]+)'");
  /** {@code C .. 'name'}: a city-wide key as the city's scripts write it (C is the city's prefix with its ':'). */
  private static final Pattern CITY_KEY = Pattern.compile("\\bC\\s*\\.\\.\\s*'([a-z_:]+)'");
  private static final Pattern FAIL = Pattern.compile("\\bfail\\(\\s*'([A-Z_]+)'");
  /** {@code A.name} or {@code A.name.field}: an argument as a script reads it. */
  private static final Pattern ARG = Pattern.compile("\\bA\\.([a-zA-Z]+)(?:\\.([a-zA-Z]+))?");

  private static Set<String> found(Pattern p) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(LUA)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".lua")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.strip().startsWith("--")) continue; // the key list in lib/site.lua's comment is documentation
          Matcher m = p.matcher(line);
          while (m.find()) names.add(m.group(1));
        }
      }
    }
    return names;
  }

  @Test
  void everySiteKeyTheScriptsWriteIsInTheCatalogueAndBack() throws IOException {
    Set<String> lua = found(SITE_KEY);
    assertFalse(lua.isEmpty(), "the scripts were read");
    Set<String> catalogue = Arrays.stream(SiteKeys.Site.values()).map(SiteKeys.Site::keyName)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(catalogue, lua, "site keys of SiteKeys.Site vs. P .. '<name>' in lua/*.lua");
  }

  @Test
  void everyCityKeyTheScriptsWriteIsInTheCatalogueAndBack() throws IOException {
    Set<String> lua = found(CITY_KEY);
    Set<String> catalogue = Arrays.stream(SiteKeys.City.values()).map(SiteKeys.City::keyName)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(catalogue, lua, "city keys of SiteKeys.City vs. C .. '<name>' in lua/*.lua");
    assertEquals("vf:{city}:dose:p:1", SiteKeys.City.DOSE.of("p", "1"));
    assertEquals("vf:{city}:otp:k", SiteKeys.City.CODE.of("k"));
  }

  /** lib/site.lua calls lib/stats.lua's hooks on every event, move and station change: a script with site has stats. */
  @Test
  void everyScriptOfASiteKeepsTheDaysFigures() throws IOException {
    try (Stream<Path> files = Files.list(LUA)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".lua")).toList()) {
        String header = Files.readAllLines(f).stream().filter(l -> l.startsWith("-- include:")).findFirst().orElse("");
        if (header.matches("-- include: site\\b.*") && !f.endsWith("day_stats.lua")) {
          assertTrue(header.matches(".*\\bsite\\b.*\\bstats\\b.*"), f + " includes site but not stats after it: " + header);
        }
      }
    }
  }

  @Test
  void everyCodeAScriptFailsWithIsInTheErrorCatalogue() throws IOException {
    Set<String> codes = found(FAIL);
    assertFalse(codes.isEmpty(), "the scripts were read");
    codes.forEach(c -> assertFalse(ErrorCode.of(c).isEmpty(), c + " (a script's err) is not in ErrorCode"));
  }

  @Test
  void theKeysJavaBuildsHaveTheNamesTheScriptsUse() {
    assertEquals("vf:{pudong}", SiteKeys.prefix("pudong"));
    assertEquals("vf:{pudong}:t:2026-11-24:A001", SiteKeys.Site.TICKET.of("pudong", "2026-11-24", "A001"));
    assertEquals("vf:{pudong}:appt:PD123", SiteKeys.Site.APPOINTMENT.of("pudong", "PD123"));
    assertEquals("vf:{pudong}:slots:2026-11-24", SiteKeys.Site.SLOTS.of("pudong", "2026-11-24"));
    assertEquals("vf:{pudong}:displays:last", SiteKeys.Site.DISPLAY_LAST.of("pudong"));
    assertEquals("vf:session:abc", SiteKeys.session("abc"));
    assertEquals("vf:sessions:revoked", SiteKeys.SESSIONS_REVOKED);
    assertEquals("vf:{pudong}:device:ab12", SiteKeys.Site.DEVICE.of("pudong", "ab12"));
    assertEquals("vf:{pudong}:device_sessions:k7", SiteKeys.Site.DEVICE_SESSIONS.of("pudong", "k7"));
    assertEquals("vf:devices:revoked", SiteKeys.DEVICES_REVOKED);
    assertEquals("rl:{127.0.0.1}:read", SiteKeys.routeBucket("127.0.0.1", "read"));
    assertEquals(java.util.List.of("rl:{pudong}:kiosk:127.0.0.2", "rl:{pudong}:site"), SiteKeys.kioskBuckets("pudong", "127.0.0.2"));
    assertEquals(java.util.List.of("rl:{login}:addr:a", "rl:{login}:pair:s:a", "rl:{login}:staff:s", "rl:{login}:slow:s"),
        SiteKeys.loginGuard("s", "a"));
    assertEquals("rl:{bookings}:city", SiteKeys.BOOKINGS_BUCKET);
  }

  @Test
  void everyScriptReadsExactlyTheArgumentsItsRecordDeclares() throws IOException {
    Set<String> files;
    try (Stream<Path> list = Files.list(LUA)) {
      files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lua"))
          .map(n -> n.substring(0, n.length() - 4)).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, Script.all().stream().map(Script::name).collect(Collectors.toCollection(TreeSet::new)),
        "lua/*.lua vs. the table of Script");
    assertEquals(Script.all().size(), files.size(), "each script once in the table of Script");
    for (Script<?> script : Script.all()) {
      Map<String, Class<?>> declared = components(script.args());
      Set<String> read = new TreeSet<>();
      for (String line : Files.readAllLines(LUA.resolve(script.name() + ".lua"))) {
        if (line.strip().startsWith("--")) continue;
        Matcher m = ARG.matcher(line);
        while (m.find()) {
          String name = m.group(1);
          assertTrue(declared.containsKey(name), script.name() + ".lua reads A." + name + ", not in "
              + script.args().getSimpleName() + " " + declared.keySet());
          read.add(name);
          if (m.group(2) != null && declared.get(name).isRecord()) {
            assertTrue(components(declared.get(name)).containsKey(m.group(2)),
                script.name() + ".lua reads A." + name + "." + m.group(2));
          }
        }
      }
      assertEquals(declared.keySet(), read, script.name() + ".lua reads every argument of " + script.args().getSimpleName());
    }
  }

  private static Map<String, Class<?>> components(Class<?> record) {
    Map<String, Class<?>> out = new TreeMap<>();
    for (RecordComponent c : record.getRecordComponents()) out.put(c.getName(), c.getType());
    return out;
  }
}
