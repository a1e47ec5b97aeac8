package io.vaxflow.immunization;

import io.vaxflow.config.Certificates.Key;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.security.IdDocument;
import io.vaxflow.security.SigningKey;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vaccination certificates (README "The immunization record and certificates"): what a person leaves with once
 * released from observation, signed
 * with their site's Ed25519 key so anyone can check it offline against the keys published at
 * {@code /.well-known/vaxflow-keys} (a JWK set). A certificate is a JWS in compact form (RFC 7515, {@code alg EdDSA},
 * RFC 8037): {@code base64url(header).base64url(claims).base64url(signature)}, the header naming the key
 * ({@code kid}); the claims are {@code v, shotId, site, product, lot, dose, date, maskedId, issuedAt} — the person
 * only as their masked ID number. Nothing is stored: the claims are read from the shot and its ticket, issuedAt is the
 * ticket's release, and Ed25519 signs deterministically, so the same ticket always gets the same text.
 *
 * <p>Keys: the config's ({@code certificates.keys}); in demo mode a site without one gets a key made by the first
 * server that needs it and kept in Redis ({@code lua/cert_key.lua}) so every server of the site signs alike;
 * outside demo mode such a site issues no certificate (a private key belongs in the environment, not the store).
 */
public final class Certificates {

  private static final Logger LOG = LoggerFactory.getLogger(Certificates.class);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
  /** The claims' version. */
  static final int VERSION = 1;

  /** A published key: its site and whether it still signs. */
  private record Published(String site, SigningKey key, boolean retired) {}

  private final Map<String, SigningKey> signing;
  private final Map<String, Published> published;
  private final Scripts store;
  private final Shots shots;
  private final ZoneId zone;

  private Certificates(Map<String, SigningKey> signing, Map<String, Published> published, Scripts store, Shots shots, ZoneId zone) {
    this.signing = signing;
    this.published = published;
    this.store = store;
    this.shots = shots;
    this.zone = zone;
  }

  /** The keys of this server's sites: the config's, and in demo mode a kept one for a site without. */
  public static Future<Certificates> load(VaxflowConfig config, Scripts store, Shots shots, Clock clock) {
    Map<String, SigningKey> signing = new LinkedHashMap<>();
    Map<String, Published> published = new LinkedHashMap<>();
    List<String> here = config.sites().stream().map(SiteConfig::id).toList();
    for (Key k : config.certificates().keys()) {
      if (!here.contains(k.site())) continue; // another server's site: its key is that server's
      SigningKey key = SigningKey.fromPkcs8(k.privateKey()).orElseThrow(); // checked with the config
      published.put(key.kid(), new Published(k.site(), key, k.retired()));
      if (!k.retired()) signing.put(k.site(), key); // the last one not retired signs
    }
    List<Future<?>> made = new ArrayList<>();
    for (String site : here) {
      if (signing.containsKey(site)) continue;
      if (!config.demoMode()) {
        LOG.warn("Site {} has no certificate key (certificates.keys): it issues no vaccination certificates", site);
        continue;
      }
      String day = LocalDate.now(clock.withZone(config.timeZone())).toString();
      made.add(store.run(Script.CERT_KEY, Scripts.At.site(site, List.of(), clock.millis(), day, "system"),
          new ScriptArgs.CertKey(SigningKey.generate().pkcs8())).map(r -> {
            SigningKey key = SigningKey.fromPkcs8(r.getString("pkcs8")).orElseThrow();
            synchronized (signing) {
              signing.put(site, key);
              published.put(key.kid(), new Published(site, key, false));
            }
            return null;
          }));
    }
    return Future.all(made).map(v -> new Certificates(signing, published, store, shots, config.timeZone()));
  }

  /** The public keys, as {@code /.well-known/vaxflow-keys} serves them: {@code {keys: [{kty, crv, x, kid, alg, use, site}]}}. */
  public JsonObject jwks() {
    JsonArray keys = new JsonArray();
    published.forEach((kid, p) -> keys.add(new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("x", p.key().x())
        .put("kid", kid).put("alg", "EdDSA").put("use", "sig").put("site", p.site())));
    return new JsonObject().put("keys", keys);
  }

  /** A certificate: its compact text (what the QR holds) and its claims. */
  public record Certificate(String text, String kid, JsonObject claims) {}

  /**
   * Why a ticket has no certificate: not released yet, no shot recorded for it, its site has no key, or the person's
   * details were erased since (privacy.retainHours after release: the certificate they were given stays valid, but
   * it is not made again without the ID number it masks).
   */
  public enum Missing { NOT_RELEASED, NO_SHOT, NO_KEY, ERASED }

  /** What a ticket has: its certificate, or why none. */
  public record ForTicket(Optional<Certificate> certificate, Optional<Missing> missing) {}

  /**
   * The certificate of the ticket {@code number} of {@code day} at {@code site}: once it is released, for the shot its
   * booth recorded.
   */
  public Future<ForTicket> ofTicket(String site, String day, String number) {
    return store.send(Request.cmd(Command.HMGET).arg(SiteKeys.Site.TICKET.of(site, day, number)).arg("stage").arg("updatedAt").arg("dose")
        .arg("shotId").arg("idNumber")).compose(t -> {
          if (!"released".equals(text(t, 0))) return none(Missing.NOT_RELEASED);
          if (t.get(4) == null) return none(Missing.ERASED); // erase.lua removed it (an offline check-in keeps it, empty)
          int dose = Math.max(1, (int) number(text(t, 2)));
          String shotId = text(t, 3).isEmpty() ? Shot.id(site, day, number, dose) : text(t, 3);
          Instant released = Instant.ofEpochMilli(number(text(t, 1)));
          return shots.shot(site, shotId).compose(shot -> {
            if (shot.isEmpty()) return none(Missing.NO_SHOT);
            if (!signing.containsKey(site)) return none(Missing.NO_KEY);
            return shots.person(shot.get()).map(p -> new ForTicket(Optional.of(issue(shot.get(), p, released)), Optional.empty()));
          });
        });
  }

  /** The certificate of a shot given to {@code person}, issued at {@code issuedAt}; the site must have a key. */
  Certificate issue(Shot shot, Shot.Person person, Instant issuedAt) {
    JsonObject claims = new JsonObject().put("v", VERSION).put("shotId", shot.shotId()).put("site", shot.site())
        .put("product", shot.product()).put("lot", shot.lot()).put("dose", shot.dose()).put("date", shot.day())
        .put("maskedId", person.idNumber().isEmpty() ? "" : IdDocument.mask(person.idNumber()))
        .put("issuedAt", OffsetDateTime.ofInstant(issuedAt, zone).toString());
    SigningKey key = signing.get(shot.site());
    JsonObject header = new JsonObject().put("alg", "EdDSA").put("kid", key.kid()).put("typ", "vaxflow-certificate");
    String input = b64(header.encode()) + "." + b64(claims.encode());
    String text = input + "." + B64.encodeToString(key.sign(input.getBytes(StandardCharsets.US_ASCII)));
    return new Certificate(text, key.kid(), claims);
  }

  /** What a check of a certificate found: valid with its claims and key, or not, and why. */
  public record Verdict(boolean valid, Optional<JsonObject> claims, Optional<String> kid, Optional<String> reason) {
    static Verdict refused(String reason) {
      return new Verdict(false, Optional.empty(), Optional.empty(), Optional.of(reason));
    }
  }

  /**
   * Checks a certificate against this server's published keys: {@code malformed} (not three base64url parts with a
   * JSON header and claims, or not EdDSA), {@code unknownKey} (no key of that kid), {@code signature} (the key did
   * not sign these bytes: the text was changed).
   */
  public Verdict verify(String text) {
    String[] parts = text.strip().split("\\.", -1);
    if (parts.length != 3) return Verdict.refused("malformed");
    JsonObject header;
    JsonObject claims;
    byte[] signature;
    try {
      header = new JsonObject(new String(UNB64.decode(parts[0]), StandardCharsets.UTF_8));
      claims = new JsonObject(new String(UNB64.decode(parts[1]), StandardCharsets.UTF_8));
      signature = UNB64.decode(parts[2]);
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return Verdict.refused("malformed");
    }
    if (!"EdDSA".equals(header.getValue("alg")) || !(header.getValue("kid") instanceof String kid)) return Verdict.refused("malformed");
    Published p = published.get(kid);
    if (p == null) return Verdict.refused("unknownKey");
    byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!p.key().verify(input, signature)) return Verdict.refused("signature");
    return new Verdict(true, Optional.of(claims), Optional.of(kid), Optional.empty());
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Future<ForTicket> none(Missing why) {
    return Future.succeededFuture(new ForTicket(Optional.empty(), Optional.of(why)));
  }

  private static String text(Response r, int i) {
    return r == null || r.size() <= i || r.get(i) == null ? "" : r.get(i).toString();
  }

  private static long number(String s) {
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
