package io.vaxflow.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Against half-sent requests (slow loris): a connection must deliver its first request's whole head
 * within {@code firstMs} of opening, and each later one within {@code laterMs} of the previous
 * response's end (a keep-alive connection may wait that long for its next request), else it is
 * closed. The server's idle timeout alone would not do: a client trickling a byte at a time is
 * never idle.
 */
final class RequestDeadline {

  /** Per connection: requests in progress, and the timer that closes it while none is. */
  private static final class State {
    int inFlight;
    long timer = -1;
  }

  private final Vertx vertx;
  private final long firstMs;
  private final long laterMs;
  private final Map<HttpConnection, State> connections = new ConcurrentHashMap<>();

  RequestDeadline(Vertx vertx, long firstMs, long laterMs) {
    this.vertx = vertx;
    this.firstMs = firstMs;
    this.laterMs = Math.max(firstMs, laterMs);
  }

  /** A new connection: its first request's head must arrive in time. */
  void opened(HttpConnection c) {
    State s = new State();
    connections.put(c, s);
    c.closeHandler(v -> {
      connections.remove(c);
      synchronized (s) {
        if (s.timer != -1) vertx.cancelTimer(s.timer);
        s.timer = -1;
      }
    });
    arm(c, s, firstMs);
  }

  /** A request's head arrived (the router's first handler): no deadline until its response ends. */
  void handle(RoutingContext ctx) {
    HttpConnection c = ctx.request().connection();
    State s = connections.get(c);
    if (s != null) {
      synchronized (s) {
        s.inFlight++;
        if (s.timer != -1) vertx.cancelTimer(s.timer);
        s.timer = -1;
      }
      ctx.addEndHandler(v -> {
        synchronized (s) {
          if (--s.inFlight == 0) arm(c, s, laterMs);
        }
      });
    }
    ctx.next();
  }

  private void arm(HttpConnection c, State s, long ms) {
    synchronized (s) {
      if (s.timer != -1) vertx.cancelTimer(s.timer);
      s.timer = vertx.setTimer(ms, id -> {
        synchronized (s) {
          if (s.timer != id) return;
          s.timer = -1;
        }
        c.close();
      });
    }
  }
}
