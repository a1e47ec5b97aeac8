package io.vaxflow.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The benchmark's floor for live messages: a bare Vert.x WebSocket server, in its own process,
 * that broadcasts timestamped messages to every connected socket. {@code GET /go?n=&ms=} starts
 * a broadcast of n messages ms apart. Args: port.
 */
public final class BareBroadcast {

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
    vertx.createHttpServer()
        .webSocketHandler(ws -> {
          sockets.add(ws);
          ws.closeHandler(v -> sockets.remove(ws));
        })
        .requestHandler(req -> {
          int n = Integer.parseInt(req.getParam("n", "10"));
          long ms = Long.parseLong(req.getParam("ms", "100"));
          for (int i = 0; i < n; i++) {
            int seq = i;
            vertx.setTimer(1 + i * ms, id -> {
              String msg = new JsonObject().put("seq", seq).put("sentAt", System.currentTimeMillis()).encode();
              sockets.forEach(s -> s.writeTextMessage(msg));
            });
          }
          req.response().end(String.valueOf(sockets.size()));
        })
        .listen(Integer.parseInt(args[0]), "127.0.0.1")
        .await();
    System.out.println("ready");
  }
}
