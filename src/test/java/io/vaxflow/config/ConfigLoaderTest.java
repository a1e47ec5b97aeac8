package io.vaxflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.security.PinHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  private static final Path DEMO = Path.of("config", "vaxflow.yaml");

  private static String hash;

  @TempDir Path tmp;

  @BeforeAll
  static void hashPin() {
    hash = PinHash.hash("2468");
  }

  /** A small valid config: two sites, one staff member. */
  private static String base() {
    return """
        voucherSecret: "0123456789abcdef-test"
        sites:
          - id: alpha
            code: AL
            name: {zh: 甲接种点, en: Alpha}
            lat: 31.2
            lon: 121.4
          - id: beta-2
            code: BE
            name: {zh: 乙接种点, en: Beta}
            lat: 31.3
            lon: 121.5
            hallCapacity: 80
        staff:
          - id: boss
            name: Boss
            pinHash: "%s"
            roles: [manager]
            sites: [alpha]
        """.formatted(hash);
  }

  private Path write(String name, String yaml) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, yaml, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void loadsTheDemoCity() {
    VaxflowConfig c = ConfigLoader.load(DEMO, Map.of());

    assertEquals(List.of("xuhui", "jingan", "pudong"), c.sites().stream().map(SiteConfig::id).toList());
    assertEquals(List.of("XH", "JA", "PD"), c.sites().stream().map(SiteConfig::code).toList());
    SiteConfig xuhui = c.site("xuhui").orElseThrow();
    assertEquals(3, xuhui.desks());
    assertEquals(4, xuhui.booths());
    assertFalse(xuhui.walkIns());
    assertEquals(new OpeningHours(8 * 60, 17 * 60, ZoneId.of("Asia/Shanghai")), xuhui.hours());
    assertEquals(30, xuhui.slotMin());
    assertEquals(60, xuhui.slotCapacity());
    assertTrue(xuhui.name("zh").contains("徐汇"));
    assertTrue(xuhui.name("en").contains("Xuhui"));
    assertEquals(31.183, xuhui.lat(), 0.01);
    SiteConfig pudong = c.site("pudong").orElseThrow();
    assertTrue(pudong.walkIns());
    assertEquals(4, pudong.desks());
    assertEquals(6, pudong.booths());
    SiteConfig jingan = c.site("jingan").orElseThrow();
    assertEquals(2, jingan.desks());
    assertEquals(3, jingan.booths());
    for (SiteConfig s : c.sites()) {
      assertTrue(s.hallCapacity() >= 100 && s.hallCapacity() <= 150, s.id());
      assertTrue(s.roomCapacity() >= 10 && s.roomCapacity() <= 12, s.id());
      assertFalse(s.address("zh").isBlank());
    }

    assertEquals(8, c.communities().size());
    assertTrue(c.communities().stream().anyMatch(k -> k.name().get("zh").equals("田林")));
    assertTrue(c.communities().stream().anyMatch(k -> k.name().get("en").equals("Century Park")));

    assertEquals(5, c.staff().size());
    Map<String, String> pins = Map.of("manager", "2468", "door", "1357", "desk", "1234", "booth", "4321", "observer", "9753");
    pins.forEach((id, pin) -> {
      StaffAccount a = c.staffAccount(id).orElseThrow();
      assertTrue(PinHash.verify(pin, a.pinHash()), id);
      assertTrue(a.worksAt("pudong"), id);
      assertEquals(Set.of(StaffAccount.Role.of(id)), a.roles());
    });
    assertFalse(PinHash.verify("0000", c.staffAccount("manager").orElseThrow().pinHash()));

    assertEquals(8080, c.http().port());
    assertEquals(16384, c.http().bodyLimitBytes());
    assertTrue(c.redis().embedded());
    assertEquals(Path.of("./data"), c.dataDir());
    assertEquals(Optional.empty(), c.clockStart());
    assertEquals(ZoneId.of("Asia/Shanghai"), c.timeZone());
    assertEquals(3, c.announce().repeats());
    assertEquals(600, c.flow().leaseSec());
    assertEquals(1800, c.flow().observationSec());
  }

  /** The shipped file's voucher secret is the public demo one: known as such until VOUCHER_SECRET replaces it. */
  @Test
  void theDemoVoucherSecretIsKnownUntilOneIsSet() {
    assertTrue(ConfigLoader.load(DEMO, Map.of()).usesDemoVoucherSecret());
    assertTrue(ConfigLoader.load(DEMO, Map.of("VOUCHER_SECRET", " ")).usesDemoVoucherSecret(), "a blank variable is no secret");
    assertFalse(ConfigLoader.load(DEMO, Map.of("VOUCHER_SECRET", "a-long-random-secret-of-our-own")).usesDemoVoucherSecret());
  }

  @Test
  void environmentOverrides() {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "9090");
    env.put("VAXFLOW_FLOW_LEASESEC", "30");
    env.put("VAXFLOW_SITES_XUHUI_HALLCAPACITY", "5");
    env.put("CLOCK", "2026-11-24T01:30:00Z");
    env.put("vaxflow_announce_repeats", "2");            // names match case-insensitively
    env.put("VAXFLOW_STAFF_DESK_SITES", "xuhui,jingan");
    env.put("VAXFLOW_SITES_PUDONG_NAME_EN", "Pudong Site");
    env.put("REDIS_URL", "redis://10.0.0.5:6379");
    env.put("SIMULATE", "true");
    env.put("VAXFLOW_OPTS", "-Xmx1g");                   // names no config section: ignored
    env.put("DATA_DIR", "  ");                           // blank: ignored

    VaxflowConfig c = ConfigLoader.load(DEMO, env);

    assertEquals(9090, c.http().port());
    assertEquals(30, c.flow().leaseSec());
    assertEquals(5, c.site("xuhui").orElseThrow().hallCapacity());
    assertEquals(100, c.site("jingan").orElseThrow().hallCapacity());
    assertEquals(Optional.of(Instant.parse("2026-11-24T01:30:00Z")), c.clockStart());
    assertEquals(2, c.announce().repeats());
    assertEquals(Set.of("xuhui", "jingan"), c.staffAccount("desk").orElseThrow().sites());
    assertEquals("Pudong Site", c.site("pudong").orElseThrow().name("en"));
    assertFalse(c.redis().embedded());
    assertEquals("redis://10.0.0.5:6379", c.redis().url());
    assertTrue(c.simulate());
    assertEquals(Path.of("./data"), c.dataDir());
  }

  @Test
  void overridesReachKeysAbsentFromTheFileAndIdsWithDashes() throws IOException {
    Path f = write("base.yaml", base());
    VaxflowConfig c = ConfigLoader.load(f, Map.of(
        "VAXFLOW_SITES_BETA_2_HALLCAPACITY", "7",
        "VAXFLOW_FLOW_TICKMS", "100",
        "VAXFLOW_HTTP_HOST", "127.0.0.1",
        "VAXFLOW_STAFF_BOSS_ROLES", "manager,desk"));
    assertEquals(7, c.site("beta-2").orElseThrow().hallCapacity());
    assertEquals(100, c.flow().tickMs());
    assertEquals("127.0.0.1", c.http().host());
    assertEquals(EnumSet.of(StaffAccount.Role.MANAGER, StaffAccount.Role.DESK), c.staffAccount("boss").orElseThrow().roles());
  }

  @Test
  void defaultsApplyWhenKeysAreAbsent() throws IOException {
    VaxflowConfig c = ConfigLoader.load(write("base.yaml", base()), Map.of());
    assertEquals(new VaxflowConfig.Http("0.0.0.0", 8080, 16384, 60, 10_000, List.of("loopback"), ""), c.http());
    assertEquals(new VaxflowConfig.Redis("", 32, 2000), c.redis());
    assertEquals(new VaxflowConfig.Announce(3, 8), c.announce());
    assertEquals(new VaxflowConfig.Flow(300, 600, 1800, 2, 60, 1000, 3.0, 4.0, new VaxflowConfig.ObservationMinutes(0, 30), 10), c.flow());
    // observationSec alone, as before: the standard observation; the high-risk one 30 minutes
    assertEquals(1800, c.flow().standardObservationSec());
    assertEquals(1800, c.flow().highObservationSec());
    assertFalse(c.simulate());
    assertEquals(ZoneId.of("Asia/Shanghai"), c.timeZone());
    SiteConfig a = c.site("alpha").orElseThrow();
    assertFalse(a.walkIns());
    assertEquals(List.of("08:00", "17:00"), List.of(a.hours().openText(), a.hours().closeText()));
    assertEquals(List.of(30, 60, 100, 10, 1, 2, 3),
        List.of(a.slotMin(), a.slotCapacity(), a.hallCapacity(), a.roomCapacity(), a.doors(), a.desks(), a.booths()));
    assertEquals(Map.of(), a.address());
    assertEquals(List.of(), c.communities());
    assertTrue(c.staffAccount("boss").orElseThrow().worksAt("alpha"));
    assertFalse(c.staffAccount("boss").orElseThrow().worksAt("beta-2"));
  }

  /** The least a config may say: a secret and one site; everything else comes from the records' {@link Setting}s. */
  @Test
  void aMinimalConfigGetsEveryDocumentedDefault() throws IOException {
    VaxflowConfig c = ConfigLoader.load(write("min.yaml", """
        voucherSecret: "0123456789abcdef-test"
        sites: [{id: alpha, code: AL, name: {zh: 甲, en: Alpha}, lat: 31.2, lon: 121.4}]
        """), Map.of());
    assertEquals(new VaxflowConfig.Http("0.0.0.0", 8080, 16384, 60, 10_000, List.of("loopback"), ""), c.http());
    assertEquals(new VaxflowConfig.Redis("", 32, 2000), c.redis());
    assertEquals(Path.of("./data"), c.dataDir());
    assertEquals(Optional.empty(), c.clockStart());
    assertEquals(1.0, c.clockRate());
    assertEquals(ZoneId.of("Asia/Shanghai"), c.timeZone());
    assertFalse(c.simulate());
    assertEquals(new VaxflowConfig.Announce(3, 8), c.announce());
    assertEquals(new VaxflowConfig.Flow(300, 600, 1800, 2, 60, 1000, 3.0, 4.0, new VaxflowConfig.ObservationMinutes(0, 30), 10), c.flow());
    VaxflowConfig.Bucket login = new VaxflowConfig.Bucket(0.5, 10);
    assertEquals(new VaxflowConfig.Limits(new VaxflowConfig.Bucket(1.0, 30), new VaxflowConfig.Bucket(20.0, 200), login,
        new VaxflowConfig.Bucket(5.0, 60), login, 5, 900, new VaxflowConfig.Bucket(200.0, 400), 30), c.limits());
    assertEquals(new VaxflowConfig.Registry("", 0, 800, 5, 10_000), c.registry());
    assertEquals(new VaxflowConfig.Remote(5000, 1000, 3, 5000), c.remote());
    assertEquals(List.of(new SiteConfig("alpha", "AL", Map.of("zh", "甲", "en", "Alpha"), Map.of(), 31.2, 121.4, false,
        new OpeningHours(8 * 60, 17 * 60, ZoneId.of("Asia/Shanghai")), 30, 60, 100, 10, 1, 2, 3, 30, Optional.empty(),
        new SiteConfig.Stock(true, List.of()), new SiteConfig.LastHour("", 5))), c.sites());
    assertEquals(List.of(), c.remoteSites());
    assertEquals(List.of(), c.communities());
    assertEquals(List.of(), c.staff());
  }

  /** Each number of the records declares its range (a new setting cannot be added without one), its default inside it. */
  @Test
  void everyNumberDeclaresItsRange() {
    List<String> numbers = ConfigLoader.LEAVES.entrySet().stream().filter(e -> e.getValue().number()).map(Map.Entry::getKey).toList();
    assertTrue(numbers.containsAll(List.of("http.port", "clockRate", "flow.observationMinutes.high", "limits.kiosk.rate",
        "redis.waitReplicas", "sites[].hallCapacity", "sites[].lat", "communities[].lon")), numbers.toString());
    for (String rule : numbers) {
      Setting s = ConfigLoader.LEAVES.get(rule).setting();
      assertTrue(s != null && Double.isFinite(s.min()) && Double.isFinite(s.max()) && s.min() <= s.max(), rule + " declares no range");
      if (!s.value().equals(Setting.REQUIRED)) {
        double d = Double.parseDouble(s.value());
        assertTrue(d >= s.min() && d <= s.max(), rule + ": default " + d + " outside its range");
      }
    }
  }

  @Test
  void aBadEntryOfAListFromTheEnvironmentNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("VAXFLOW_STAFF_DESK_ROLES", "desk,chef")));
    assertEquals("VAXFLOW_STAFF_DESK_ROLES", e.key());
    assertTrue(e.reason().contains("\"chef\"") && e.reason().contains("staff[2].roles"), e.reason());
  }

  @Test
  void observationMinutesPerRiskLevel() throws IOException {
    VaxflowConfig c = ConfigLoader.load(write("obs.yaml", base() + "flow: {observationSec: 600, observationMinutes: {standard: 15, high: 30}}\n"), Map.of());
    assertEquals(15 * 60, c.flow().standardObservationSec(), "observationMinutes.standard wins over observationSec");
    assertEquals(30 * 60, c.flow().highObservationSec());
    VaxflowConfig old = ConfigLoader.load(write("old.yaml", base() + "flow: {observationSec: 600}\n"), Map.of());
    assertEquals(600, old.flow().standardObservationSec(), "observationSec alone works as before");
    assertEquals(30 * 60, old.flow().highObservationSec());
    VaxflowConfig longer = ConfigLoader.load(write("long.yaml", base() + "flow: {observationSec: 3600}\n"), Map.of());
    assertEquals(3600, longer.flow().highObservationSec(), "the high-risk observation is never shorter than the standard");
    VaxflowConfig env = ConfigLoader.load(write("env.yaml", base()), Map.of("VAXFLOW_FLOW_OBSERVATIONMINUTES_HIGH", "45"));
    assertEquals(45 * 60, env.flow().highObservationSec());
  }

  @Test
  void aSiteOpenAroundTheClockClosesAt2400() throws IOException {
    VaxflowConfig c = ConfigLoader.load(write("h.yaml", hours(base(), "00:00", "24:00")), Map.of());
    OpeningHours h = c.site("alpha").orElseThrow().hours();
    assertTrue(h.aroundTheClock());
    assertEquals(List.of("00:00", "24:00"), List.of(h.openText(), h.closeText()));
    assertEquals(48, h.slotStarts(30).size());
    assertEquals(LocalTime.of(23, 30), h.slotStarts(30).get(47));
    // unquoted too, and from the environment
    VaxflowConfig late = ConfigLoader.load(write("h2.yaml",
        base().replace("lon: 121.4\n", "lon: 121.4\n    hours: {open: 20:00, close: 24:00}\n")), Map.of());
    assertEquals("24:00", late.site("alpha").orElseThrow().hours().closeText());
    VaxflowConfig env = ConfigLoader.load(write("h3.yaml", base()),
        Map.of("VAXFLOW_SITES_ALPHA_HOURS_OPEN", "00:00", "VAXFLOW_SITES_ALPHA_HOURS_CLOSE", "24:00"));
    assertTrue(env.site("alpha").orElseThrow().hours().aroundTheClock());
  }

  @Test
  void clockInTheFile() throws IOException {
    VaxflowConfig c = ConfigLoader.load(write("c.yaml", base() + "clock: 2026-11-24T01:30:00Z\n"), Map.of());
    assertEquals(Optional.of(Instant.parse("2026-11-24T01:30:00Z")), c.clockStart());
  }

  @Test
  void exactMessageFormat() throws IOException {
    Path f = write("vaxflow.yaml", base().replace("hallCapacity: 80", "hallCapacity: 0"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertEquals(f + ": sites[1].hallCapacity: must be a whole number from 1 to 100000", e.getMessage());
    assertEquals(f.toString(), e.file());
    assertEquals("sites[1].hallCapacity", e.key());
    assertEquals("must be a whole number from 1 to 100000", e.reason());
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        bad("bad hallCapacity", y -> y.replace("hallCapacity: 80", "hallCapacity: lots"), "sites[1].hallCapacity"),
        bad("hallCapacity too big", y -> y.replace("hallCapacity: 80", "hallCapacity: 100001"), "sites[1].hallCapacity"),
        bad("duplicate site id", y -> y.replace("id: beta-2", "id: alpha"), "sites[1].id"),
        bad("duplicate site code", y -> y.replace("code: BE", "code: AL"), "sites[1].code"),
        bad("bad site id", y -> y.replace("id: beta-2", "id: Beta"), "sites[1].id"),
        bad("bad site code", y -> y.replace("code: BE", "code: B1"), "sites[1].code"),
        bad("unknown top-level key", y -> y + "hallCapacty: 5\n", "hallCapacty: unknown key"),
        bad("unknown nested key", y -> y + "flow:\n  leaseSecs: 30\n", "flow.leaseSecs: unknown key"),
        bad("unknown site key", y -> y.replace("hallCapacity: 80", "hallCapacity: 80\n    boths: 3"), "sites[1].boths: unknown key"),
        bad("opens after closes", y -> y.replace("lon: 121.4\n", "lon: 121.4\n    hours: {open: \"18:00\", close: \"09:00\"}\n"), "sites[0].hours"),
        bad("bad time", y -> y.replace("lon: 121.4\n", "lon: 121.4\n    hours: {open: \"8am\"}\n"), "sites[0].hours.open"),
        bad("close before open", y -> hours(y, "09:00", "08:30"), "sites[0].hours: open (09:00) must be before close (08:30)"),
        bad("close equal to open", y -> hours(y, "09:00", "09:00"), "sites[0].hours: open"),
        bad("24:00 as open", y -> hours(y, "24:00", "24:00"), "sites[0].hours.open: 24:00 is the end of a day"),
        bad("00:00 as close", y -> hours(y, "00:00", "00:00"), "close \"24:00\""),
        bad("close past 24:00", y -> hours(y, "08:00", "24:30"), "sites[0].hours.close"),
        bad("hour 25", y -> hours(y, "08:00", "25:00"), "sites[0].hours.close"),
        bad("minutes 60", y -> hours(y, "08:60", "17:00"), "sites[0].hours.open"),
        bad("slot longer than the hours", y -> hours(y, "23:50", "24:00"), "sites[0].slotMin"),
        bad("staff naming unknown site", y -> y.replace("sites: [alpha]", "sites: [gamma]"), "staff[0].sites"),
        bad("unknown role", y -> y.replace("roles: [manager]", "roles: [janitor]"), "staff[0].roles"),
        bad("bad pin hash", y -> y.replace(hash, "plain-2468"), "staff[0].pinHash"),
        bad("name without en", y -> y.replace("{zh: 乙接种点, en: Beta}", "{zh: 乙接种点}"), "sites[1].name.en"),
        bad("lat out of range", y -> y.replace("lat: 31.3", "lat: 91"), "sites[1].lat"),
        bad("missing lon", y -> y.replace("    lon: 121.5\n", ""), "sites[1].lon"),
        bad("no sites", y -> y.substring(0, y.indexOf("sites:")) + "sites: []\n", "sites: at least one site"),
        bad("short voucher secret", y -> y.replace("0123456789abcdef-test", "short"), "voucherSecret"),
        bad("missing voucher secret", y -> y.replace("voucherSecret: \"0123456789abcdef-test\"\n", ""), "voucherSecret: is required"),
        bad("desks above 50", y -> y.replace("hallCapacity: 80", "desks: 51"), "sites[1].desks"),
        bad("bad time zone", y -> y + "timeZone: Mars/Olympus\n", "timeZone"),
        bad("bad clock", y -> y + "clock: yesterday\n", "clock"),
        bad("section not a map", y -> y + "flow: fast\n", "flow: must be a mapping"),
        bad("YAML syntax error", y -> y + "flow: {leaseSec: 3\n", "(syntax): line"),
        bad("duplicate yaml key", y -> y + "voucherSecret: again-and-again-and-again\n", "(syntax)"),
        bad("unknown redis type", y -> y + "redis: {type: replicated, url: \"redis://10.0.0.5:6379\"}\n",
            "redis.type: must be standalone, cluster or sentinel"),
        bad("cluster without endpoints", y -> y + "redis: {type: cluster}\n", "redis.url: is required for redis.type cluster"),
        bad("sentinel without master", y -> y + "redis: {type: sentinel, url: \"redis://10.0.0.5:26379\"}\n",
            "redis.master: is required for redis.type sentinel"),
        bad("master without sentinel", y -> y + "redis: {url: \"redis://10.0.0.5:6379\", master: mymaster}\n",
            "redis.master: is only for redis.type sentinel"),
        bad("two standalone endpoints", y -> y + "redis: {url: \"redis://a:6379,redis://b:6379\"}\n", "redis.url: names 2 endpoints"),
        bad("empty endpoint in the list", y -> y + "redis: {type: cluster, url: \"redis://a:6379,,redis://b:6379\"}\n",
            "redis.url: has an empty entry"),
        bad("endpoint not a redis url", y -> y + "redis: {type: cluster, url: \"redis://a:6379, http://b:6379\"}\n",
            "redis.url: must be empty (embedded redis-server) or redis://"),
        bad("negative waitReplicas", y -> y + "redis: {url: \"redis://a:6379\", waitReplicas: -1}\n", "redis.waitReplicas: must be a whole number"),
        bad("observation minutes not a number", y -> y + "flow: {observationMinutes: {high: half}}\n",
            "flow.observationMinutes.high: must be a whole number from 1 to 1440"),
        bad("high-risk observation shorter than the standard", y -> y + "flow: {observationMinutes: {standard: 30, high: 15}}\n",
            "flow.observationMinutes.high: must not be shorter than flow.observationMinutes.standard (30)"),
        bad("unknown risk level", y -> y + "flow: {observationMinutes: {severe: 60}}\n", "flow.observationMinutes.severe: unknown key"),
        bad("waitReplicas on the embedded redis", y -> y + "redis: {waitReplicas: 1}\n", "redis.waitReplicas: must be 0 with the embedded"));
  }

  /** The base config with site alpha open from {@code open} to {@code close}. */
  private static String hours(String yaml, String open, String close) {
    return yaml.replace("lon: 121.4\n", "lon: 121.4\n    hours: {open: \"" + open + "\", close: \"" + close + "\"}\n");
  }

  private static Arguments bad(String label, UnaryOperator<String> edit, String expected) {
    return Arguments.of(label, edit, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void badConfigFailsNamingTheKey(String label, UnaryOperator<String> edit, String expected) throws IOException {
    String yaml = edit.apply(base());
    assertFalse(yaml.equals(base()), "edit changed nothing: " + label);
    Path f = write("bad.yaml", yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()), label);
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }

  @Test
  void missingFile() {
    Path f = tmp.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertEquals("not found", e.reason());
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
  }

  @Test
  void syntaxErrorNamesTheLine() throws IOException {
    Path f = write("syntax.yaml", "voucherSecret: x\nsites:\n  - id: a\n   code: [\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertEquals("(syntax)", e.key());
    assertTrue(e.reason().matches("line \\d+, column \\d+: .*"), e.reason());
  }

  /** PUBLIC_URL: the origin of phones' and printed QR codes' links; unset, the local origin at the port listened on. */
  @Test
  void publicUrlComesFromTheEnvironmentAndDefaultsToTheLocalOrigin() {
    assertEquals("http://localhost:8123", ConfigLoader.load(DEMO, Map.of()).http().publicOrigin(8123));
    assertEquals("https://q.example.org", ConfigLoader.load(DEMO, Map.of("PUBLIC_URL", "https://q.example.org/")).http().publicOrigin(8123));
    assertEquals("https://example.org/vax", ConfigLoader.load(DEMO, Map.of("PUBLIC_URL", "https://example.org/vax")).http().publicOrigin(1));
    for (String bad : List.of("q.example.org", "ftp://q.example.org", "https://q.example.org/?a=1", "https://")) {
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEMO, Map.of("PUBLIC_URL", bad)), bad);
      assertEquals("PUBLIC_URL", e.key(), bad);
    }
  }

  @Test
  void badEnvironmentValuesNameTheVariable() {
    ConfigException clock = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("CLOCK", "tomorrow morning")));
    assertEquals("CLOCK", clock.key());

    assertEquals(60.0, ConfigLoader.load(DEMO, Map.of("CLOCK_RATE", "60")).clockRate());
    for (String rate : List.of("fast", "0", "-2", "100000")) {
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEMO, Map.of("CLOCK_RATE", rate)), rate);
      assertEquals("CLOCK_RATE", e.key(), rate);
      assertTrue(e.reason().contains("from 0.01 to 10000") && e.reason().contains("clockRate"), e.reason());
    }

    ConfigException port = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("HTTP_PORT", "eighty")));
    assertEquals("HTTP_PORT", port.key());
    assertTrue(port.reason().contains("http.port"), port.reason());

    ConfigException hall = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("VAXFLOW_SITES_XUHUI_HALLCAPACITY", "-1")));
    assertEquals("VAXFLOW_SITES_XUHUI_HALLCAPACITY", hall.key());

    ConfigException noSite = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("VAXFLOW_SITES_NOWHERE_HALLCAPACITY", "5")));
    assertEquals("VAXFLOW_SITES_NOWHERE_HALLCAPACITY", noSite.key());

    ConfigException noKey = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("VAXFLOW_FLOW_LEASE", "5")));
    assertEquals("VAXFLOW_FLOW_LEASE", noKey.key());
  }

  @Test
  void redisDeploymentsFromTheEnvironment() {
    VaxflowConfig.Redis sentinel = ConfigLoader.load(DEMO, Map.of("REDIS_TYPE", "sentinel", "REDIS_MASTER", "vaxflow",
        "REDIS_URL", "redis://10.0.0.5:26379, redis://10.0.0.6:26379,redis://10.0.0.7:26379", "REDIS_WAIT_REPLICAS", "1")).redis();
    assertEquals(VaxflowConfig.Redis.Type.SENTINEL, sentinel.type());
    assertEquals(List.of("redis://10.0.0.5:26379", "redis://10.0.0.6:26379", "redis://10.0.0.7:26379"), sentinel.endpoints());
    assertEquals("vaxflow", sentinel.master());
    assertEquals(1, sentinel.waitReplicas());

    VaxflowConfig.Redis cluster = ConfigLoader.load(DEMO, Map.of("REDIS_TYPE", "Cluster",
        "REDIS_URL", "redis://10.0.0.5:7000")).redis();
    assertEquals(VaxflowConfig.Redis.Type.CLUSTER, cluster.type());
    assertEquals(List.of("redis://10.0.0.5:7000"), cluster.endpoints());
    assertEquals(0, cluster.waitReplicas());

    ConfigException type = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("REDIS_TYPE", "shard", "REDIS_URL", "redis://10.0.0.5:7000")));
    assertEquals("REDIS_TYPE", type.key());
    ConfigException master = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("REDIS_TYPE", "sentinel", "REDIS_URL", "redis://10.0.0.5:26379")));
    assertEquals("redis.master", master.key());
    ConfigException wait = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, Map.of("REDIS_WAIT_REPLICAS", "one", "REDIS_URL", "redis://10.0.0.5:6379")));
    assertEquals("REDIS_WAIT_REPLICAS", wait.key());
  }

  @Test
  void pinHashFormat() {
    String h = PinHash.hash("1234");
    assertTrue(h.startsWith("pbkdf2-sha256$210000$"), h);
    assertTrue(PinHash.wellFormed(h));
    assertTrue(PinHash.verify("1234", h));
    assertFalse(PinHash.verify("1235", h));
    assertFalse(PinHash.verify("1234", "pbkdf2-sha256$210000$AAAA$BBBB"));
    assertFalse(PinHash.wellFormed("pbkdf2$120000$dmF4Zmxvdy1tYW5hZ2Vy$"));
    assertFalse(PinHash.wellFormed(null));
    assertFalse(h.equals(PinHash.hash("1234")), "salted");
  }

  private static final String HOOKS = """
      webhooks:
        - id: sms
          url: https://sms.example.gov.cn/vaxflow
          events: [reminder, Call]
          secret: "a-secret-of-16-or-more"
        - url: http://10.0.0.9:8000/board
          events: [ticket, alert]
          secret: "another-secret-of-16+"
      notify: {reminderAt: "19:30", retryCapSec: 30}
      """;

  @Test
  void webhooksAndTheirDelivery() throws IOException {
    VaxflowConfig c = ConfigLoader.load(write("hooks.yaml", base() + HOOKS), Map.of());
    VaxflowConfig.Webhook sms = c.webhooks().get(0);
    assertEquals("sms", sms.id());
    assertEquals(Set.of(VaxflowConfig.Webhook.Event.REMINDER, VaxflowConfig.Webhook.Event.CALL), sms.events());
    assertTrue(sms.personal(), "a receiver of reminders gets phone numbers");
    VaxflowConfig.Webhook board = c.webhooks().get(1);
    assertFalse(board.personal());
    assertTrue(board.id().matches("h[0-9a-f]{8}"), "an id from the url: " + board.id());
    assertEquals(board.id(), ConfigLoader.load(write("again.yaml", base() + HOOKS), Map.of()).webhooks().get(1).id(),
        "the same id on every start");
    assertEquals(java.time.LocalTime.of(19, 30), c.notifications().reminderTime());
    assertEquals(30, c.notifications().retryCapSec());
    assertEquals(8, c.notifications().inFlight());
    assertEquals(List.of(), ConfigLoader.load(DEMO, Map.of()).webhooks(), "the demo has none");
    assertEquals(java.time.LocalTime.of(18, 0), ConfigLoader.load(DEMO, Map.of()).notifications().reminderTime());
  }

  /** A webhook from the environment alone (a container without a file of its own), and a file's secret replaced by id. */
  @Test
  void webhooksFromTheEnvironment() throws IOException {
    VaxflowConfig c = ConfigLoader.load(DEMO, Map.of("VAXFLOW_WEBHOOKS_0_URL", "http://127.0.0.1:9000/hook",
        "VAXFLOW_WEBHOOKS_0_EVENTS", "call,reminder", "VAXFLOW_WEBHOOKS_0_SECRET", "from-the-environment",
        "VAXFLOW_WEBHOOKS_1_URL", "http://127.0.0.1:9001/hook", "VAXFLOW_WEBHOOKS_1_EVENTS", "alert",
        "VAXFLOW_WEBHOOKS_1_SECRET", "from-the-environment-2", "VAXFLOW_WEBHOOKS_1_ID", "ops"));
    assertEquals(2, c.webhooks().size());
    assertEquals("http://127.0.0.1:9000/hook", c.webhooks().get(0).url());
    assertEquals(Set.of(VaxflowConfig.Webhook.Event.CALL, VaxflowConfig.Webhook.Event.REMINDER), c.webhooks().get(0).events());
    assertEquals("ops", c.webhooks().get(1).id());

    VaxflowConfig byId = ConfigLoader.load(write("hooks.yaml", base() + HOOKS), Map.of("VAXFLOW_WEBHOOKS_SMS_SECRET", "kept-out-of-the-file"));
    assertEquals("kept-out-of-the-file", byId.webhooks().get(0).secret());

    ConfigException gap = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEMO, Map.of("VAXFLOW_WEBHOOKS_1_URL", "http://a/")));
    assertEquals("VAXFLOW_WEBHOOKS_1_URL", gap.key(), "an index after a gap names nothing");
    ConfigException half = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEMO, Map.of("VAXFLOW_WEBHOOKS_0_URL", "http://a/")));
    assertTrue(half.getMessage().contains("webhooks[0].secret: is required"), half.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badWebhooks")
  void badWebhookFailsNamingTheKey(String label, UnaryOperator<String> edit, String expected) throws IOException {
    refusedAfterEdit(base() + HOOKS, label, edit, expected);
  }

  /** {@code good} edited is refused at load with a message (naming the file first) that says {@code expected}. */
  private void refusedAfterEdit(String good, String label, UnaryOperator<String> edit, String expected) throws IOException {
    String yaml = edit.apply(good);
    assertFalse(yaml.equals(good), "edit changed nothing: " + label);
    Path f = write("bad-edit.yaml", yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()), label);
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }

  static Stream<Arguments> badWebhooks() {
    return Stream.of(
        bad("ftp url", y -> y.replace("https://sms.example.gov.cn/vaxflow", "ftp://sms.example.gov.cn"),
            "webhooks[0].url: must be an http:// or https:// URL"),
        bad("unknown event", y -> y.replace("[reminder, Call]", "[reminder, sms]"),
            "must be call, ticket, alert, reminder, otp or standby, not \"sms\""),
        bad("no events", y -> y.replace("[reminder, Call]", "[]"), "webhooks[0].events: at least one of call, ticket, alert, reminder"),
        bad("short secret", y -> y.replace("a-secret-of-16-or-more", "short"), "webhooks[0].secret: must be at least 16 characters"),
        bad("no secret", y -> y.replace("    secret: \"a-secret-of-16-or-more\"\n", ""), "webhooks[0].secret: is required"),
        bad("same id twice", y -> y.replace("- url: http://10.0.0.9:8000/board", "- id: sms\n    url: http://10.0.0.9:8000/board"),
            "webhooks[1].id: duplicate webhook id sms"),
        bad("reminder time", y -> y.replace("19:30", "7pm"), "notify.reminderAt: must be a time of day HH:mm"),
        bad("retry cap", y -> y.replace("retryCapSec: 30", "retryCapSec: 0"), "notify.retryCapSec: must be a whole number from 1 to 3600"));
  }

  private static final String PRODUCTS = """
      products:
        - id: inact
          name: {zh: 灭活疫苗, en: Inactivated}
          gtins: ["06954361700014"]
          vaccineCode: {system: "http://hl7.org/fhir/sid/cvx", code: "511"}
          dosesPerVial: 2
          discardAfterMin: 360
          schedule:
            - {dose: 1}
            - {dose: 2, minIntervalDays: 14}
            - {dose: 3, minIntervalDays: 90, products: [inact, mrna]}
        - id: mrna
          name: {zh: mRNA疫苗, en: mRNA}
          gtins: ["04260123450014"]
          vaccineCode: {system: "http://hl7.org/fhir/sid/cvx", code: "208"}
          dosesPerVial: 10
          discardAfterMin: 360
          schedule: [{dose: 1}]
      """;

  /** The products: GTINs with their check digits, the series' doses in order and the products each dose allows. */
  @Test
  void productsAndTheirSeries() throws IOException {
    VaxflowConfig c = ConfigLoader.load(write("products.yaml", base() + PRODUCTS), Map.of());
    Product inact = c.product("inact").orElseThrow();
    assertEquals(List.of("inact"), inact.allowedFor(2));
    assertEquals(List.of("inact", "mrna"), inact.allowedFor(3));
    assertEquals(List.of(), inact.allowedFor(4), "past the series");
    assertEquals(14, inact.dose(2).orElseThrow().minIntervalDays());
    assertEquals("mrna", c.productOfGtin("04260123450014").orElseThrow().id());
    assertTrue(c.sites().get(0).stock().required(), "a site's stock is required unless it says otherwise");
    assertEquals(List.of(), c.sites().get(0).stock().demoLots());
    VaxflowConfig demo = ConfigLoader.load(DEMO, Map.of("VAXFLOW_SITES_PUDONG_STOCK_REQUIRED", "false"));
    assertEquals(2, demo.products().size());
    assertFalse(demo.site("pudong").orElseThrow().stock().required());
    assertEquals(2, demo.site("xuhui").orElseThrow().stock().demoLots().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badProducts")
  void badProductFailsNamingTheKey(String label, UnaryOperator<String> edit, String expected) throws IOException {
    refusedAfterEdit(base() + PRODUCTS, label, edit, expected);
  }

  static Stream<Arguments> badProducts() {
    return Stream.of(
        bad("check digit", y -> y.replace("06954361700014", "06954361700016"),
            "products[0].gtins[0]: check digit is wrong: \"06954361700016\" should end in 4"),
        bad("not 14 digits", y -> y.replace("06954361700014", "6954361700014"), "products[0].gtins[0]: must be a GTIN-14"),
        bad("same GTIN twice", y -> y.replace("04260123450014", "06954361700014"), "products[1].gtins[0]: duplicate GTIN"),
        bad("doses out of order", y -> y.replace("{dose: 2, minIntervalDays: 14}", "{dose: 3, minIntervalDays: 14}"),
            "products[0].schedule[1].dose: must be 2"),
        bad("unknown product of a dose", y -> y.replace("[inact, mrna]", "[inact, other]"),
            "products[0].schedule[2].products: unknown product \"other\""),
        bad("no doses per vial", y -> y.replace("dosesPerVial: 10", "dosesPerVial: 0"), "products[1].dosesPerVial: must be a whole number from 1 to 100"),
        bad("demo lot of no product", y -> y.replace("hallCapacity: 80", "hallCapacity: 80\n    stock: {demoLots: [{product: nope, lot: L1, vials: 3}]}"),
            "sites[1].stock.demoLots[0].product: unknown product \"nope\""));
  }
}
