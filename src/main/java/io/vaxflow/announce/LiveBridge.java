package io.vaxflow.announce;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.DeviceCaller;
import io.vaxflow.gateway.DeviceRole;
import io.vaxflow.gateway.Devices;
import io.vaxflow.gateway.Forwarded;
import io.vaxflow.gateway.Sessions;
import io.vaxflow.gateway.TicketLinks;
import io.vertx.core.Future;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.concurrent.ConcurrentHashMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SockJS event-bus bridge at {@code /eventbus}: anonymous clients may receive calls and
 * state; only logged-in staff of a site may register for its {@code .staff} address, and only
 * the holder of a ticket's link for the ticket's own address (registered with {@code headers: {k}},
 * checked by {@link TicketLinks}; each one a follower of this server, {@link Followers}); the only
 * thing accepted from browsers is a display's acknowledgement (or hello), and only from one of the
 * site's enrolled hall displays (gateway/Devices; in demo mode also the local computer): anything
 * else is refused before it draws on the allowances of {@link AckGate}, which throttles the acks,
 * meters every frame a connection sends ({@link MeteredSocket}) and refuses the addresses of
 * connections that flood ({@link #door}). A display's connection is confirmed with Redis once (and
 * again every few minutes), and closed as soon as its device is revoked on any instance.
 *
 * <p>The bridge is where the server hears its hall displays ({@link Displays}): a connection
 * speaks for the display its first ack or hello names; that ack or hello, each of its pings (a
 * display pings every 5 s) and its closing tell whether the display is there.
 */
public final class LiveBridge {

  private static final Pattern STAFF = Addresses.STAFF_ONLY;
  private static final Pattern TICKET = Addresses.TICKET_ONLY;
  private static final Pattern ACK = Addresses.INBOUND;

  private final Vertx vertx;
  private final Sessions sessions;
  private final Set<String> sites;
  private final Displays displays;
  private final Map<String, SiteFlow> flows;
  private final TicketLinks links;
  private final Followers followers;
  private final Devices devices;
  private final AckGate acks = new AckGate();
  /** The display devices confirmed enrolled, by connection: the hash of the credential, and when (nanoTime). */
  private final Map<SockJSSocket, Confirmed> confirmed = new ConcurrentHashMap<>();
  /** A connection's device is confirmed again after this long (its lastSeen written; a missed revocation caught). */
  static final long RECONFIRM_NS = 300_000_000_000L;

  /** Bumped by every revocation: a confirmation that raced one is not remembered. */
  private final java.util.concurrent.atomic.AtomicLong revocations = new java.util.concurrent.atomic.AtomicLong();

  private record Confirmed(String hash, long at) {}
  /** Refusals held back right now ({@link #door}). */
  private final AtomicInteger held = new AtomicInteger();
  public static final long HOLD_MS = 1_000;
  static final int MAX_HELD = 1_000;

  public LiveBridge(Vertx vertx, Sessions sessions, Map<String, SiteFlow> flows, Displays displays, Devices devices,
                    TicketLinks links, Followers followers) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.sites = flows.keySet();
    this.displays = displays;
    this.flows = flows;
    this.links = links;
    this.followers = followers;
    this.devices = devices;
    // a device revoked on any instance: the connections it has here are closed
    devices.onRevoked((site, hash) -> {
      revocations.incrementAndGet();
      confirmed.forEach((socket, c) -> {
        if (c.hash().equals(hash)) {
          confirmed.remove(socket);
          socket.close();
        }
      });
    });
  }

  public Router router() {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.OUTBOUND.pattern()))
        .addInboundPermitted(new PermittedOptions().setAddressRegex(ACK.pattern()))
        .setMaxHandlersPerSocket(16)
        .setMaxAddressLength(64)
        .setPingTimeout(30_000);
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
        .setLibraryURL("/vendor/sockjs.min.js")
        .setRegisterWriteHandler(false)
        .setHeartbeatInterval(10_000);
    // SockJSHandler.bridge(options, guard), with every socket's frames metered before the bridge reads them
    EventBusBridgeImpl bridge = new EventBusBridgeImpl(vertx, null, options, this::guard);
    return SockJSHandler.create(vertx, sockJs).socketHandler(socket -> bridge.handle(new MeteredSocket(vertx, socket, sockJs, acks)));
  }

  /**
   * In front of the bridge: a request from an address whose connection was closed for flooding
   * the bridge is refused (429, Retry-After) before SockJS reads it ({@link AckGate#boxedMs}). The
   * refusal is held back {@link #HOLD_MS} (for at most {@link #MAX_HELD} requests at once): a
   * flooder that connects again at once, whatever Retry-After says, then waits as long for each
   * attempt instead of costing the event loop a new connection and request every millisecond.
   */
  public void door(RoutingContext ctx) {
    long ms = acks.boxedMs(Forwarded.client(ctx));
    if (ms == 0) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Connection", "close"); // whatever it sends next is not read
    Rejection refused = new Rejection(ErrorCode.RATE_LIMITED, new JsonObject().put("retryAfterSec", (ms + 999) / 1000));
    if (held.incrementAndGet() > MAX_HELD) {
      held.decrementAndGet();
      ctx.fail(refused);
      return;
    }
    vertx.setTimer(HOLD_MS, t -> {
      held.decrementAndGet();
      if (!ctx.response().closed()) ctx.fail(refused);
    });
  }

  /**
   * Staff addresses need a staff session of that site; a ticket's address its link's key (a
   * follower of this server from then on); acks pass the {@link AckGate}.
   */
  private void guard(BridgeEvent event) {
    BridgeEventType type = event.type();
    String address = event.getRawMessage() == null ? "" : event.getRawMessage().getString("address", "");
    Matcher ticket = TICKET.matcher(address);
    if (ticket.matches() && (type == BridgeEventType.REGISTER || type == BridgeEventType.UNREGISTER)) {
      follow(event, ticket.group(1), ticket.group(2));
      return;
    }
    if (type == BridgeEventType.REGISTER || type == BridgeEventType.RECEIVE) {
      governed(STAFF, address, event).ifPresent(site -> staff(event, site));
      return;
    }
    if (type == BridgeEventType.SEND || type == BridgeEventType.PUBLISH) {
      // The inbound permissions (checked after this hook) refuse every address but .ack; acks pass the gate.
      governed(ACK, address, event).ifPresent(site -> ack(event, site));
      return;
    }
    if (type == BridgeEventType.SOCKET_PING) {
      acks.speaksFor(event.socket()).ifPresent(v -> displays.heard(v.site(), v.displayId(), Optional.empty(), v.sound()));
    } else if (type == BridgeEventType.SOCKET_CLOSED) {
      confirmed.remove(event.socket());
      acks.closed(event.socket()).ifPresent(v -> displays.closed(v.site(), v.displayId()));
      followers.closed(event.socket());
    }
    event.complete(true);
  }

  /** The site of an address {@code pattern} governs; any other address passes here ({@code event} completed true). */
  private static Optional<String> governed(Pattern pattern, String address, BridgeEvent event) {
    Matcher m = pattern.matcher(address);
    if (m.matches()) return Optional.of(m.group(1));
    event.complete(true);
    return Optional.empty();
  }

  /**
   * A staff address of {@code site}: registering asks Redis for the session; each message pushed afterwards may use
   * the remembered answer.
   */
  private void staff(BridgeEvent event, String site) {
    // SockJS strips cookies from socket.headers(); the routing context of the opening request has them.
    Optional<String> token = Optional.ofNullable(event.socket().routingContext())
        .map(rc -> rc.request().getCookie(Sessions.COOKIE)).map(c -> c.getValue());
    if (token.isEmpty() || !sites.contains(site)) {
      event.complete(false);
      return;
    }
    (event.type() == BridgeEventType.REGISTER ? sessions.resolve(token.get()) : sessions.remembered(token.get())).onComplete(ar -> event.complete(
        ar.succeeded() && ar.result().map(s -> s.worksAt(site)).orElse(false)));
  }

  /** An ack to {@code site}: only the site's hall displays, anyone else's refused before it draws on any allowance. */
  private void ack(BridgeEvent event, String site) {
    Optional<DeviceCaller> display = sites.contains(site)
        ? devices.caller(event.socket().routingContext(), DeviceRole.HALL, Optional.of(site)) : Optional.empty();
    if (display.isEmpty()) {
      event.complete(false);
      return;
    }
    enrolled(event.socket(), display.get()).onComplete(yes -> {
      Optional<Ack> admitted = yes.succeeded() && yes.result()
          ? acks.admit(event.socket(), site, event.getRawMessage()) : Optional.empty();
      admitted.ifPresent(a -> displays.heard(site, a.displayId(), a.callId(), a.sound()));
      event.complete(admitted.isPresent());
    });
  }

  /** A phone registers for a ticket with its link's key ({@code headers.k}: checked against Redis), or unregisters. */
  private void follow(BridgeEvent event, String site, String number) {
    if (event.type() == BridgeEventType.UNREGISTER) {
      followers.unfollow(event.socket(), site, number);
      event.complete(true);
      return;
    }
    SiteFlow flow = flows.get(site);
    JsonObject headers = event.getRawMessage().getJsonObject("headers");
    String k = headers == null || !(headers.getValue("k") instanceof String s) ? null : s;
    if (flow == null || k == null) {
      event.complete(false);
      return;
    }
    links.admit(flow, number, k).onComplete(ar -> {
      boolean admitted = ar.succeeded() && ar.result().isPresent();
      if (admitted) followers.follow(event.socket(), site, number, ar.result().get());
      event.complete(admitted);
    });
  }

  /**
   * Whether the display is one the site still has enrolled: the demo's local computer is; an enrolled display's
   * connection is confirmed with Redis once and remembered while revocations are heard (every ack is confirmed
   * while they are not), and again after {@link #RECONFIRM_NS}.
   */
  private Future<Boolean> enrolled(SockJSSocket socket, DeviceCaller display) {
    if (!(display instanceof DeviceCaller.Enrolled e)) return Future.succeededFuture(true);
    Confirmed c = confirmed.get(socket);
    if (c != null && c.hash().equals(e.hash()) && devices.following() && System.nanoTime() - c.at() < RECONFIRM_NS) {
      return Future.succeededFuture(true);
    }
    long before = revocations.get();
    return devices.seen(e.claim(), DeviceRole.HALL).map(d -> {
      if (revocations.get() == before) confirmed.put(socket, new Confirmed(e.hash(), System.nanoTime()));
      return true;
    }).recover(err -> {
      confirmed.remove(socket);
      return err instanceof Rejection ? Future.succeededFuture(false) : Future.failedFuture(err);
    });
  }

}
