package io.vaxflow.config;

import static io.vaxflow.config.Checked.languages;
import static io.vaxflow.config.Checked.quote;
import static io.vaxflow.config.Checked.require;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.util.NetUtil;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration of one server, read once at start and validated (see {@link ConfigLoader}): the shape
 * of {@code config/vaxflow.yaml}, each value's default and range ({@link Setting}) and the rules the types cannot
 * say ({@link Checked#check}). {@link #sites} are the sites this server runs; {@link #remoteSites} those that other
 * Vaxflow servers run ({@link SiteConfig#remote}), which this server's dispatcher books onto; the file lists both.
 * {@link #products} are the vaccines the city gives ({@link Product}): their lots are the sites' stock.
 */
public record VaxflowConfig(
    Http http,
    Redis redis,
    @Setting("./data") Path dataDir,
    @Setting String voucherSecret,
    @JsonProperty("clock") @Setting("''") Optional<Instant> clockStart,
    @Setting(value = "1.0", min = 0.01, max = 10000) double clockRate,
    @Setting("Asia/Shanghai") ZoneId timeZone,
    @Setting("false") boolean simulate,
    @Setting("false") boolean demo,
    Announce announce,
    Flow flow,
    Limits limits,
    @JsonProperty("booking") Bookings bookings,
    Privacy privacy,
    Standby standby,
    Registry registry,
    @JsonProperty("sites") List<SiteConfig> allSites,
    List<Community> communities,
    List<Product> products,
    List<StaffAccount> staff,
    Remote remote,
    @JsonProperty("notify") Notify notifications,
    List<Webhook> webhooks,
    Audit audit,
    ImmunizationRegistry immunizationRegistry,
    Certificates certificates) implements Checked {

  /**
   * The voucher secret of the shipped config/vaxflow.yaml: public, so anyone could sign vouchers
   * with it. In use when VOUCHER_SECRET is not set: the server says so at start and in /health.
   */
  public static final String DEMO_VOUCHER_SECRET = "vaxflow-demo-voucher-secret-change-me";

  /** A name no site may have: the city-wide keys' hash tag ({@code vf:{city}:...}). */
  public static final String CITY = "city";

  /**
   * Demo mode ({@code demo: true} in the shipped config/vaxflow.yaml, env DEMO): the README's first command is one
   * command. A code that would go to a phone is shown on the page, the local browser is enrolled as the site's
   * devices, and the public demo secrets are allowed (with a warning). Outside it, none of that.
   */
  public boolean demoMode() {
    return demo;
  }

  /** Whether vouchers are signed with the public demo secret ({@link #DEMO_VOUCHER_SECRET}). */
  public boolean usesDemoVoucherSecret() {
    return DEMO_VOUCHER_SECRET.equals(voucherSecret);
  }

  /** An insecure default still in use: the config key, the environment variable that sets it, what is wrong. */
  public record Insecure(String setting, String env, String problem) {}

  /**
   * The public demo values still in use: the demo voucher secret, a staff account with its shipped demo PIN
   * ({@link StaffAccount#DEMO_PIN_HASHES}), no public URL. Outside demo mode the server refuses to start with any of
   * them; in demo mode it warns at start and {@code /health} lists them ({@code checks.security}).
   */
  public List<Insecure> insecureDefaults() {
    List<Insecure> out = new java.util.ArrayList<>();
    if (usesDemoVoucherSecret()) {
      out.add(new Insecure("voucherSecret", "VOUCHER_SECRET", "is the public demo secret: anyone can sign a voucher "
          + "(a priority one too) that checks in while the appointment registry cannot be asked"));
    }
    for (StaffAccount a : staff) {
      if (StaffAccount.DEMO_PIN_HASHES.contains(a.pinHash())) {
        out.add(new Insecure("staff." + a.id() + ".pinHash", "VAXFLOW_STAFF_" + a.id().toUpperCase(Locale.ROOT).replace('-', '_')
            + "_PINHASH", "is the shipped demo PIN of " + a.id() + ", printed in the README"));
      }
    }
    if (http.publicUrl().isBlank()) {
      out.add(new Insecure("http.publicUrl", "PUBLIC_URL", "is not set: links and QR codes for phones would point at "
          + "http://localhost (set the https:// address people reach this server at)"));
    }
    return List.copyOf(out);
  }
  /** The rules across records: at least one site run here, unique site ids and codes and staff ids, staff at known sites. */
  @Override
  public void check() {
    require(voucherSecret.length() >= 16, "voucherSecret", "must be at least 16 characters");
    require(!allSites.isEmpty(), "sites", "at least one site is required");
    require(!sites().isEmpty(), "sites", "at least one site must be run by this server (without remote)");
    for (int i = 0; i < allSites.size(); i++) {
      // the city-wide keys (vf:{city}:..., the one-time codes' stream) would be this site's
      require(!CITY.equals(allSites.get(i).id()), "sites[" + i + "].id", "\"" + CITY + "\" is reserved for the city's own keys");
    }
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < allSites.size(); i++) {
      unique(seen, "site id", allSites.get(i).id(), "sites[" + i + "]", "id");
      unique(seen, "site code", allSites.get(i).code(), "sites[" + i + "]", "code");
    }
    Set<String> siteIds = new LinkedHashSet<>(allSites.stream().map(SiteConfig::id).toList());
    for (int i = 0; i < webhooks.size(); i++) {
      unique(seen, "webhook id", webhooks.get(i).id(), "webhooks[" + i + "]", "id");
    }
    for (int i = 0; i < certificates.keys().size(); i++) {
      Certificates.Key k = certificates.keys().get(i);
      unique(seen, "certificate key id", k.id(), "certificates.keys[" + i + "]", "id");
      require(siteIds.contains(k.site()), "certificates.keys[" + i + "].site",
          "unknown site " + quote(k.site()) + " (sites: " + String.join(", ", siteIds) + ")");
    }
    checkProducts(seen);
    for (int i = 0; i < staff.size(); i++) {
      unique(seen, "staff id", staff.get(i).id(), "staff[" + i + "]", "id");
      for (String site : staff.get(i).sites()) {
        require("*".equals(site) || siteIds.contains(site), "staff[" + i + "].sites",
            "unknown site " + quote(String.valueOf(site)) + " (sites: " + String.join(", ", siteIds) + ", or *)");
      }
    }
  }

  /** Unique product ids and GTINs, the products a schedule names known, the demo lots' products known. */
  private void checkProducts(Map<String, String> seen) {
    Set<String> ids = new LinkedHashSet<>(products.stream().map(Product::id).toList());
    for (int i = 0; i < products.size(); i++) {
      Product p = products.get(i);
      unique(seen, "product id", p.id(), "products[" + i + "]", "id");
      for (int g = 0; g < p.gtins().size(); g++) unique(seen, "GTIN", p.gtins().get(g), "products[" + i + "]", "gtins[" + g + "]");
      for (int d = 0; d < p.schedule().size(); d++) {
        for (String other : p.schedule().get(d).products()) {
          require(ids.contains(other), "products[" + i + "].schedule[" + d + "].products",
              "unknown product " + quote(other) + " (products: " + String.join(", ", ids) + ")");
        }
      }
    }
    for (int i = 0; i < allSites.size(); i++) {
      List<SiteConfig.DemoLot> lots = allSites.get(i).stock().demoLots();
      for (int j = 0; j < lots.size(); j++) {
        require(ids.contains(lots.get(j).product()), "sites[" + i + "].stock.demoLots[" + j + "].product",
            "unknown product " + quote(lots.get(j).product()) + " (products: " + String.join(", ", ids) + ")");
      }
    }
  }

  /** A configured product. */
  public Optional<Product> product(String id) {
    return products.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** The product whose cartons carry {@code gtin}. */
  public Optional<Product> productOfGtin(String gtin) {
    return products.stream().filter(p -> p.gtins().contains(gtin)).findFirst();
  }

  private static void unique(Map<String, String> seen, String what, String value, String entry, String key) {
    String before = seen.putIfAbsent(what + " " + value, entry);
    require(before == null, entry + "." + key, "duplicate " + what + " " + value + " (also " + before + ")");
  }

  /**
   * The HTTP server. A connection's first request head must arrive within {@code requestTimeoutMs}
   * of its opening, a later one within {@code idleTimeoutSec} of the previous response; a
   * connection silent for {@code idleTimeoutSec} is closed. {@code trustedProxies}: addresses (or {@code loopback}) whose
   * {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed (the browser's address for
   * rate limits, login guards and the bridge; Secure cookies).
   */
  public record Http(
      @Setting("0.0.0.0") String host,
      @Setting(value = "8080", min = 0, max = 65535) int port,
      @Setting(value = "16384", min = 256, max = 67108864) int bodyLimitBytes,
      @Setting(value = "60", min = 1, max = 86400) int idleTimeoutSec,
      @Setting(value = "10000", min = 100, max = 600000) int requestTimeoutMs,
      @Setting("[loopback]") List<String> trustedProxies,
      @Setting("''") String publicUrl) implements Checked {

    /** What a public URL may be: http(s), a host, an optional port and path, no query or fragment. */
    private static final java.util.regex.Pattern PUBLIC_URL = java.util.regex.Pattern.compile("https?://[^/?#\\s]+(/[^?#\\s]*)?");

    @Override
    public void check() {
      for (String proxy : trustedProxies) {
        require(proxy.equals("loopback") || NetUtil.isValidIpV4Address(proxy) || NetUtil.isValidIpV6Address(proxy), "trustedProxies",
            quote(proxy) + " is not an IP address (or loopback)");
      }
      require(publicUrl.isBlank() || PUBLIC_URL.matcher(publicUrl.strip()).matches(), "publicUrl",
          "must be empty (http://localhost:<port>) or an http:// or https:// origin, optionally with a path, not " + quote(publicUrl));
    }

    /**
     * The origin phones and printed QR codes reach this server at ({@code PUBLIC_URL}), without a
     * trailing slash; unset, the local origin {@code http://localhost:<port>} (a demo on one machine),
     * {@code port} the one the server listens on.
     */
    public String publicOrigin(int port) {
      String url = publicUrl.strip();
      if (url.isEmpty()) return "http://localhost:" + port;
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
  }

  /**
   * url empty: the server runs its own redis-server in dataDir, whose append-only file is fsynced as
   * {@code appendfsync} says ({@code always}: a write is on disk before its client is answered, so a power cut
   * loses nothing acknowledged; {@code everysec}: up to about a second of writes). Otherwise {@code endpoints} are the
   * URLs of {@code url} (a comma-separated list): the one standalone Redis, any nodes of a Cluster,
   * or the Sentinels that monitor {@code master}; their persistence is theirs to configure. {@code waitReplicas} &gt; 0:
   * every write a client is told succeeded has first been confirmed by that many replicas ({@code WAIT}).
   */
  public record Redis(String url, int poolSize, int timeoutMs, Type type, List<String> endpoints, String master,
                      int waitReplicas, Fsync appendfsync) {
    public enum Type { STANDALONE, CLUSTER, SENTINEL }

    /** The embedded redis-server's {@code appendfsync}, as redis.conf spells it. */
    public enum Fsync {
      ALWAYS, EVERYSEC;

      public String word() {
        return name().toLowerCase(Locale.ROOT);
      }
    }

    /** A standalone Redis at {@code url} (empty: embedded, fsync always), no replicas waited for. */
    public Redis(String url, int poolSize, int timeoutMs) {
      this(url, poolSize, timeoutMs, Type.STANDALONE, url == null || url.isBlank() ? List.of() : List.of(url), "", 0, Fsync.ALWAYS);
    }

    /**
     * From the file: {@code url} is a comma-separated list of endpoints, {@code type} says what they are; the rules
     * of each deployment type.
     */
    @JsonCreator
    static Redis of(
        @JsonProperty("type") @Setting("standalone") Type type,
        @JsonProperty("url") @Setting("''") String url,
        @JsonProperty("master") @Setting("''") String master,
        @JsonProperty("waitReplicas") @Setting(value = "0", min = 0, max = 16) int waitReplicas,
        @JsonProperty("poolSize") @Setting(value = "32", min = 1, max = 4096) int poolSize,
        @JsonProperty("timeoutMs") @Setting(value = "2000", min = 10, max = 600000) int timeoutMs,
        @JsonProperty("appendfsync") @Setting("always") Fsync appendfsync) {
      String urls = url.strip();
      String name = type.name().toLowerCase(Locale.ROOT);
      List<String> endpoints = urls.isEmpty() ? List.of() : Arrays.stream(urls.split(",")).map(String::strip).toList();
      require(!endpoints.contains(""), "url", "has an empty entry in its comma-separated list");
      for (String endpoint : endpoints) {
        require(endpoint.matches("(redis|rediss|unix)://.*"), "url",
            "must be empty (embedded redis-server) or redis://, rediss:// or unix:// URLs, not " + quote(endpoint));
      }
      require(type != Type.STANDALONE || endpoints.size() <= 1, "url",
          "names " + endpoints.size() + " endpoints: a standalone Redis has one (set redis.type to cluster or sentinel)");
      require(type == Type.STANDALONE || !endpoints.isEmpty(), "url",
          "is required for redis.type " + name + " (the embedded redis-server is standalone)");
      String sentinelMaster = master.strip();
      require(type != Type.SENTINEL || !sentinelMaster.isEmpty(), "master",
          "is required for redis.type sentinel (the master name the sentinels monitor)");
      require(type == Type.SENTINEL || sentinelMaster.isEmpty(), "master", "is only for redis.type sentinel");
      require(waitReplicas == 0 || !endpoints.isEmpty(), "waitReplicas", "must be 0 with the embedded redis-server (it has no replicas)");
      return new Redis(urls, poolSize, timeoutMs, type, endpoints, sentinelMaster, waitReplicas, appendfsync);
    }

    public boolean embedded() { return url == null || url.isBlank(); }
  }

  public record Announce(
      @Setting(value = "3", min = 1, max = 10) int repeats,
      @Setting(value = "8", min = 1, max = 600) int intervalSec) {}

  public record Flow(
      @Setting(value = "300", min = 1, max = 86400) int arrivalTimeoutSec,
      @Setting(value = "600", min = 1, max = 86400) int leaseSec,
      @Setting(value = "1800", min = 1, max = 86400) int observationSec,
      @Setting(value = "2", min = 1, max = 1000) int priorityInARow,
      @Setting(value = "60", min = 0, max = 1440) int checkinEarlyMin,
      @Setting(value = "1000", min = 10, max = 60000) int tickMs,
      @Setting(value = "3.0", min = 0.01, max = 240) double deskServiceMin,
      @Setting(value = "4.0", min = 0.01, max = 240) double boothServiceMin,
      ObservationMinutes observationMinutes,
      @Setting(value = "10", min = 1, max = 120) int returnLeadMin) {

    /** The standard observation: {@code observationMinutes.standard} when set, else {@code observationSec}. */
    public int standardObservationSec() {
      return observationMinutes.standard() > 0 ? observationMinutes.standard() * 60 : observationSec;
    }

    /** A high-risk person's observation (anaphylaxis history, or extended by staff): never shorter than the standard. */
    public int highObservationSec() {
      return Math.max(observationMinutes.high() * 60, standardObservationSec());
    }
  }

  /**
   * Observation minutes per risk level: {@code standard} (0: {@code flow.observationSec} applies, as
   * before) and {@code high} (a booking with an anaphylaxis history; staff may extend anyone to it).
   */
  public record ObservationMinutes(
      @Setting(value = "0", min = 0, max = 1440) int standard,
      @Setting(value = "30", min = 1, max = 1440) int high) implements Checked {

    @Override
    public void check() {
      require(standard == 0 || high >= standard, "high", "must not be shorter than flow.observationMinutes.standard (" + standard + ")");
    }
  }

  /** A token bucket: {@code rate} tokens a second, at most {@code burst} saved up. */
  public record Bucket(
      @Setting(min = 0.001, max = 1000000) double rate,
      @Setting(min = 1, max = 1000000) int burst) {}

  /**
   * Rate limits (per client address unless named otherwise; {@code site} is per site) and the
   * login lockout: {@code loginFailures} wrong PINs from one address lock login from it for
   * {@code lockoutSec}; as many for one staff id from all addresses only slow down the addresses
   * that failed for it. {@code bookings} shapes the city's bookings as a whole (the 8:00 spike):
   * beyond it a booking waits its turn, up to {@code bookingQueueSec}, instead of failing.
   */
  public record Limits(
      @Setting("{rate: 1.0, burst: 30}") Bucket kiosk,
      @Setting("{rate: 20.0, burst: 200}") Bucket site,
      @Setting("{rate: 0.5, burst: 10}") Bucket booking,
      @Setting("{rate: 5.0, burst: 60}") Bucket lookup,
      @Setting("{rate: 0.5, burst: 10}") Bucket login,
      @Setting(value = "5", min = 1, max = 1000) int loginFailures,
      @Setting(value = "900", min = 1, max = 86400) int lockoutSec,
      @Setting("{rate: 200.0, burst: 400}") Bucket bookings,
      @Setting(value = "30", min = 0, max = 3600) int bookingQueueSec) {}

  /**
   * Who may book, and how a phone proves it is theirs: a phone holds at most {@code maxPerPhone} bookings a day (a
   * family's); a one-time code is good for {@code codeTtlSec} and {@code codeAttempts} tries; a phone is sent at most
   * {@code codesPerPhoneHour} codes an hour, and one client address asks for at most {@code codesPerAddressHour}.
   */
  public record Bookings(
      @Setting(value = "4", min = 1, max = 1000000) int maxPerPhone,
      @Setting(value = "300", min = 30, max = 3600) int codeTtlSec,
      @Setting(value = "5", min = 1, max = 100) int codeAttempts,
      @Setting(value = "5", min = 1, max = 1000000) int codesPerPhoneHour,
      @Setting(value = "30", min = 1, max = 1000000) int codesPerAddressHour) {}

  /**
   * How long people's names, ID numbers and phones are kept once nothing needs them any more: {@code retainHours}
   * after a ticket's release (or its no-show), and after the end of a booking's day for a booking (used or not).
   * A ticket whose shot still waits for delivery to the immunization record keeps them until that delivery clears
   * its {@code hold} (README "What is kept where"; lua/erase.lua).
   */
  /**
   * The standby list (issue 16): when a site's open vials hold more doses than the people still expected, people on its
   * list are invited, {@code overbookFactor} x the spare doses (some do not come; the first to check in get them), each
   * invitation good {@code inviteMin} minutes; a booking not checked in is still expected {@code lateMin} after its
   * slot's start.
   */
  public record Standby(
      @Setting(value = "1.5", min = 1, max = 5) double overbookFactor,
      @Setting(value = "45", min = 5, max = 480) int inviteMin,
      @Setting(value = "30", min = 0, max = 480) int lateMin) {}

  public record Privacy(
      @Setting(value = "24", min = 0, max = 8760) int retainHours) {}

  /**
   * The appointment registry: {@code url} of a remote one, or empty to run the built-in one on
   * {@code port} (0: a free port). Check-in asks it within {@code timeoutMs}; after
   * {@code breakerFailures} failures the breaker opens for {@code breakerResetMs}.
   */
  public record Registry(
      @Setting("''") String url,
      @Setting(value = "0", min = 0, max = 65535) int port,
      @Setting(value = "800", min = 10, max = 60000) int timeoutMs,
      @Setting(value = "5", min = 1, max = 1000) int breakerFailures,
      @Setting(value = "10000", min = 100, max = 3600000) int breakerResetMs) {
    public boolean builtIn() { return url == null || url.isBlank(); }
  }

  /**
   * Sites run by other servers: each one's load is polled every {@code pollMs} (GET its server's
   * /api/v1/sites, answered within {@code timeoutMs}); after {@code breakerFailures} failures its
   * breaker opens for {@code breakerResetMs}, then one probe decides.
   */
  public record Remote(
      @Setting(value = "5000", min = 50, max = 600000) int pollMs,
      @Setting(value = "1000", min = 10, max = 60000) int timeoutMs,
      @Setting(value = "3", min = 1, max = 1000) int breakerFailures,
      @Setting(value = "5000", min = 50, max = 3600000) int breakerResetMs) {}

  /**
   * What other systems hear, and how: the bookings' reminders are due the day before the booked day at
   * {@code reminderAt} (local time, HH:mm; a booking made later than that is reminded at once); a webhook's
   * delivery is retried 1 s after a failure, doubling up to {@code retryCapSec}, each attempt answered within
   * {@code timeoutMs}; at most {@code inFlight} deliveries to one webhook at a time; a delivery held by an
   * instance that has not touched it for {@code claimIdleSec} (it stopped or died) is taken over by another;
   * a webhook whose oldest undelivered event is older than {@code staleSec} is DEGRADED in /health; the sites'
   * alerts are looked at every {@code alertCheckSec} (only while a webhook subscribes to them).
   */
  public record Notify(
      @Setting("'18:00'") String reminderAt,
      @Setting(value = "60", min = 1, max = 3600) int retryCapSec,
      @Setting(value = "10000", min = 100, max = 120000) int timeoutMs,
      @Setting(value = "8", min = 1, max = 256) int inFlight,
      @Setting(value = "120", min = 2, max = 86400) int claimIdleSec,
      @Setting(value = "300", min = 1, max = 86400) int staleSec,
      @Setting(value = "5", min = 1, max = 600) int alertCheckSec) implements Checked {

    private static final java.time.format.DateTimeFormatter HH_MM = java.time.format.DateTimeFormatter.ofPattern("HH:mm");

    @Override
    public void check() {
      try {
        reminderTime();
      } catch (java.time.format.DateTimeParseException e) {
        throw ConfigException.at("reminderAt", "must be a time of day HH:mm, e.g. 18:00; not " + quote(reminderAt));
      }
    }

    /** When a booking is reminded, the day before its day, in the config's zone. */
    public java.time.LocalTime reminderTime() {
      return java.time.LocalTime.parse(reminderAt.strip(), HH_MM);
    }
  }

  /**
   * A receiver of events: every event of the kinds in {@code events} is POSTed to {@code url} as JSON, signed
   * with {@code secret} (HMAC-SHA256). {@code id} names it in metrics, /health, its Redis consumer group and its
   * deliveries' ids; without one it is a short hash of the url (give one to address it from the environment:
   * {@code VAXFLOW_WEBHOOKS_<ID>_SECRET}).
   */
  public record Webhook(
      @Setting("''") String id,
      @Setting String url,
      @Setting("[]") Set<Event> events,
      @Setting String secret) implements Checked {

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    /**
     * What a webhook may subscribe to. {@code personal}: its events are meant for the person (an SMS gateway),
     * so a receiver subscribed to one gets the booking's phone number, here and in a come-back call; no other
     * receiver ever does. A new kind is one line here and an event of that type in the site's stream.
     */
    public enum Event {
      CALL(false), TICKET(false), ALERT(false), REMINDER(true),
      /** A one-time code for a phone (the city's stream, {@code vf:{city}:events}): for the SMS gateway alone. */
      OTP(true),
      /** An invitation to a dose left over, for a person on a site's standby list: to their phone. */
      STANDBY(true);

      private final boolean personal;

      Event(boolean personal) {
        this.personal = personal;
      }

      public boolean personal() {
        return personal;
      }

      /** As the config, the stream and the X-Vaxflow-Event header write it: "call". */
      public String wire() {
        return name().toLowerCase(Locale.ROOT);
      }
    }

    /** Without an id: the url's short hash, the same on every instance and every start. */
    public Webhook {
      id = id == null || id.isBlank() ? shortHash(url == null ? "" : url.strip()) : id.strip();
      url = url == null ? null : url.strip();
      events = events == null ? Set.of() : java.util.Collections.unmodifiableSet(new LinkedHashSet<>(events));
    }

    @Override
    public void check() {
      require(ID.matcher(id).matches(), "id",
          "must be 1 to 32 characters: lower-case letters, digits, _ or -, starting with a letter or digit; not " + quote(id));
      require(url.matches("https?://[^\\s/?#]+([/?#]\\S*)?"), "url", "must be an http:// or https:// URL, not " + quote(url));
      require(!events.isEmpty(), "events", "at least one of call, ticket, alert, reminder, otp is required");
      require(secret.length() >= 16, "secret", "must be at least 16 characters (the receiver checks each body's signature with it)");
    }

    /** Whether its receiver may get a person's phone number (it subscribes to a personal kind of event). */
    public boolean personal() {
      return events.stream().anyMatch(Event::personal);
    }

    private static String shortHash(String url) {
      try {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(url.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "h" + java.util.HexFormat.of().formatHex(d, 0, 4);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * The audit log: each site's event stream keeps every event of a day for {@code retentionDays} days after it (a
   * day's events are dropped, all at once, on the first event of the day {@code retentionDays + 1} days later).
   */
  public record Audit(@Setting(value = "30", min = 1, max = 3660) int retentionDays) {}

  /** A named place people may type when booking ("Tianlin", "田林"): its location picks the nearest site. */
  public record Community(
      @Setting Map<String, String> name,
      @Setting(min = -90, max = 90) double lat,
      @Setting(min = -180, max = 180) double lon) implements Checked {

    @Override
    public void check() {
      languages(name, "name", true);
    }
  }

  /** The sites this server runs. */
  public List<SiteConfig> sites() {
    return allSites.stream().filter(s -> !s.isRemote()).toList();
  }

  /** The sites other Vaxflow servers run ({@link SiteConfig#remote}). */
  public List<SiteConfig> remoteSites() {
    return allSites.stream().filter(SiteConfig::isRemote).toList();
  }

  public Optional<SiteConfig> site(String id) {
    return allSites.stream().filter(s -> !s.isRemote() && s.id().equals(id)).findFirst();
  }

  /** A site of the city, run here or by another server. */
  public Optional<SiteConfig> anySite(String id) {
    return allSites.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  public Optional<StaffAccount> staffAccount(String id) {
    return staff.stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
