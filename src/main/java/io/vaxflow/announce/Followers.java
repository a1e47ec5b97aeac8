package io.vaxflow.announce;

import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.Stage;
import io.vaxflow.flow.Ticket;
import io.vaxflow.flow.TicketState;
import io.vaxflow.view.Views;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tickets this server's phones follow, and their live push on each ticket's address
 * ({@link Addresses#ticket}): {@code {type: "view", view}} when a ticket's public view changed,
 * {@code {type: "call", call}} at once for every saying of a call of it. The bridge adds a follower
 * once its link's key is checked ({@link LiveBridge}) and drops it when it unregisters or its socket
 * closes; every server pushes to its own followers only. A site that changed ({@link #changed}, from
 * its stream tail) has its followed tickets' views computed by the follow script ({@code lua/follow.lua},
 * {@link #CHUNK} tickets a run) when the announcer next publishes the site's {@code .state} (at most 4 times
 * a second, {@link #push}, one site's run at a time), and only the views that changed go out, paced: {@link #SLICE}
 * views every {@link #YIELD_MS} ms from the loop of the phones' sockets, so that a busy site's 5,000 views a second
 * take about half a second of the loop in small pieces instead of a burst that its check-ins queue behind.
 */
public final class Followers {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Followers.class);
  /**
   * Views sent in one round of the event loop, a round every {@link #YIELD_MS}; other requests are served between. What
   * the pacing bought, in the phones benchmark (5,000 phones, a change a second, check-ins at 50/s beside them):
   * check-in p99 with the phones ×1.09-1.41 of without in five runs, against ×1.7-2.2 with 100 views every 1 ms (a
   * burst of about 150 ms a second that the check-ins, the phones and Redis shared on 2 cores); a change reaches its
   * phone within 0.9 s, inside the 2 s asked for.
   */
  static final int SLICE = 50;
  /**
   * The pause between two slices, in ms; a timer, not {@code runOnContext}. Netty 4.2's event loop runs queued tasks,
   * and the tasks they queue, for up to a second before it reads its sockets again, so slices queued one after another
   * run as one, and so did the deliveries the store's reply loop queued on the sockets' loop faster than it wrote them:
   * every check-in that reached the server while a busy site's 5,000 views went out waited for all of them (150-250 ms
   * once a second, their p99 ×12-20). A timer's task is taken up on the loop's next round, after its sockets.
   */
  static final long YIELD_MS = 5;
  /**
   * Followed tickets a run of the follow script computes at once: 5,000 held Redis, which the site's check-ins share,
   * for 11-15 ms a run; a thousand, 4-7 ms.
   */
  public static final int CHUNK = 1_000;

  /**
   * A followed ticket: the day of its link, how many sockets follow it, the fingerprint of the view they were last sent
   * (not the view: 5,000 views kept from one change to the next were most of what each young collection copied).
   */
  private static final class Followed {
    final String day;
    int sockets;
    long last;
    boolean over; // released or a no-show: no call of this number is its anymore

    Followed(String day) {
      this.day = day;
    }
  }

  private final Vertx vertx;
  private final EventBus bus;
  private final Views views;
  private final int repeats;
  /** site -> number -> follower; guarded by this. */
  private final Map<String, Map<String, Followed>> sites = new HashMap<>();
  /** socket -> its "site|number"s; guarded by this. */
  private final Map<Object, Set<String>> sockets = new HashMap<>();
  /**
   * site -> the event loop its phones' sockets were last added on; guarded by this. Its views are sent from there, a
   * slice a round, so that the loop that writes them to the sockets is the one that yields between slices.
   */
  private final Map<String, Context> loops = new HashMap<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> running = new HashSet<>();

  public Followers(Vertx vertx, Views views, int repeats) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.views = views;
    this.repeats = repeats;
  }

  /**
   * {@code socket} follows the ticket of {@code day} with that number (its key was checked). Its view
   * goes out with the site's next run, even if nothing changes: whatever changed between the page's
   * own look and its registration reaches it.
   */
  public synchronized void follow(Object socket, String site, String number, String day) {
    if (!sockets.computeIfAbsent(socket, s -> new HashSet<>()).add(site + "|" + number)) return;
    Map<String, Followed> numbers = sites.computeIfAbsent(site, s -> new HashMap<>());
    Followed f = numbers.get(number);
    if (f == null || !f.day.equals(day)) numbers.put(number, f = new Followed(day));
    f.sockets++;
    f.last = NONE;
    Context loop = Vertx.currentContext();
    if (loop != null && loop.isEventLoopContext()) loops.put(site, loop);
    dirty.add(site);
  }

  public synchronized void unfollow(Object socket, String site, String number) {
    Set<String> mine = sockets.get(socket);
    if (mine == null || !mine.remove(site + "|" + number)) return;
    if (mine.isEmpty()) sockets.remove(socket);
    drop(site, number);
  }

  /** The socket closed: it follows nothing anymore. */
  public synchronized void closed(Object socket) {
    Set<String> mine = sockets.remove(socket);
    if (mine == null) return;
    for (String key : mine) {
      int bar = key.indexOf('|');
      drop(key.substring(0, bar), key.substring(bar + 1));
    }
  }

  private void drop(String site, String number) {
    Map<String, Followed> numbers = sites.get(site);
    Followed f = numbers == null ? null : numbers.get(number);
    if (f == null || --f.sockets > 0) return;
    numbers.remove(number);
    if (!numbers.isEmpty()) return;
    sites.remove(site);
    loops.remove(site);
  }

  /** How many tickets of the site this server's phones follow. */
  public synchronized int following(String site) {
    Map<String, Followed> numbers = sites.get(site);
    return numbers == null ? 0 : numbers.size();
  }

  /** Entries of a site's stream that move no ticket: a later saying of a call, an alert, a booking's reminder. */
  private static final Set<String> STILL = Set.of("say", "alert", "reminder");

  /**
   * An event of the site's stream: its followed views are due again, unless the event cannot change
   * one: one that moves no ticket, or a check-in of a regular ticket, which joins the end of its lane
   * behind everyone (the wait of a ticket depends on who is ahead of it only; a priority check-in
   * passes the regular lane, and a ticket the buffers move on at once has events of its own).
   */
  public void changed(String site, String type, String category) {
    if (STILL.contains(type) || ("checkin".equals(type) && !"P".equals(category))) return;
    synchronized (this) {
      if (sites.containsKey(site)) dirty.add(site);
    }
  }

  /** A saying of a call ({@code call}: its live message, as on {@code .calls}): to the ticket's phones, at once. */
  public void called(String site, String number, JsonObject call) {
    synchronized (this) {
      Map<String, Followed> numbers = sites.get(site);
      Followed f = numbers == null ? null : numbers.get(number);
      if (f == null || f.over) return;
    }
    bus.publish(Addresses.ticket(site, number), new JsonObject().put("type", "call").put("call", call));
  }

  /** Runs the follow script of every site that changed since its last run, unless one is still running. */
  public void push(Map<String, SiteFlow> flows) {
    List<String> due = new ArrayList<>();
    synchronized (this) {
      for (String site : dirty) if (!running.contains(site) && sites.containsKey(site)) due.add(site);
      due.forEach(dirty::remove);
      running.addAll(due);
    }
    for (String site : due) push(site, flows.get(site));
  }

  private void push(String site, SiteFlow flow) {
    List<String> numbers = new ArrayList<>();
    List<String> days = new ArrayList<>();
    synchronized (this) {
      sites.getOrDefault(site, Map.of()).forEach((number, f) -> {
        numbers.add(number);
        days.add(f.day);
      });
    }
    runFrom(site, flow, numbers, days, 0, Vertx.currentContext());
  }

  /**
   * The followed tickets from {@code from} on, {@link #CHUNK} a script: each chunk's views at one moment, the next
   * chunk asked for once this one's are sent. A change between two chunks marks the site again, and its next run sends
   * whatever it changed. The script is asked, and its answer read, on {@code home} (the announcer's loop); the views
   * are sent from the sockets' loop.
   */
  private void runFrom(String site, SiteFlow flow, List<String> numbers, List<String> days, int from, Context home) {
    if (from >= numbers.size()) {
      synchronized (this) {
        running.remove(site);
      }
      return;
    }
    int to = Math.min(numbers.size(), from + CHUNK);
    Instant at = flow.now();
    flow.follow(numbers.subList(from, to), days.subList(from, to)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("the followed tickets of {} were not computed ({}); trying again", site, ar.cause().toString());
        synchronized (this) {
          running.remove(site);
          dirty.add(site); // try again next round
        }
        return;
      }
      Runnable then = () -> on(home, () -> runFrom(site, flow, numbers, days, to, home));
      Context loop;
      synchronized (this) {
        loop = loops.get(site);
      }
      on(loop, () -> sendFrom(site, ar.result(), 0, at, then));
    });
  }

  private static void on(Context context, Runnable task) {
    if (context == null) task.run();
    else context.runOnContext(v -> task.run());
  }

  /**
   * Sends the views from {@code from} on, {@link #SLICE} a round of the event loop ({@link #YIELD_MS}), then runs
   * {@code then}: all 5,000 of a busy site at once held the loop that its check-ins share for about half a second
   * (their p99 ×18).
   */
  private void sendFrom(String site, List<Ticket> tickets, int from, Instant at, Runnable then) {
    int to = Math.min(tickets.size(), from + SLICE);
    try {
      for (int i = from; i < to; i++) {
        Ticket t = tickets.get(i);
        if (t != null) send(site, t, at);
      }
    } catch (RuntimeException e) {
      LOG.warn("the followed tickets of {} were not all sent ({}); trying again", site, e.toString());
      to = tickets.size();
      synchronized (this) {
        dirty.add(site);
      }
    }
    int next = to;
    vertx.setTimer(YIELD_MS, id -> {
      if (next < tickets.size()) sendFrom(site, tickets, next, at, then);
      else then.run();
    });
  }

  /** No view sent yet. */
  private static final long NONE = 0;

  /** A 64-bit FNV-1a hash of the view's JSON (never {@link #NONE}): two views alike in it are taken as the same. */
  static long fingerprint(String encoded) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < encoded.length(); i++) {
      h ^= encoded.charAt(i);
      h *= 0x100000001b3L;
    }
    return h == NONE ? 1 : h;
  }

  /** The ticket's view to its phones, if it is not the one they were last sent. */
  private void send(String site, Ticket t, Instant at) {
    JsonObject view = views.track(t, repeats);
    String encoded = view.encode();
    long fingerprint = fingerprint(encoded);
    synchronized (this) {
      Map<String, Followed> numbers = sites.get(site);
      Followed f = numbers == null ? null : numbers.get(t.number());
      if (f == null || !f.day.equals(t.day()) || fingerprint == f.last) return;
      f.last = fingerprint;
      f.over = t.stage() == Stage.RELEASED || t.state() == TicketState.NO_SHOW;
    }
    bus.publish(Addresses.ticket(site, t.number()), new JsonObject().put("type", "view").put("view", view.put("at", views.time(at))));
  }
}
