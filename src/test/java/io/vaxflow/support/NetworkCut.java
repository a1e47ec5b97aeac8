package io.vaxflow.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy between a browser and the server whose network can be cut and restored, as a
 * pulled cable or a dead Wi-Fi access point would: while cut, nothing closes and nothing errors;
 * bytes in either direction are held (not lost, as TCP would retransmit them) and new connections
 * are left waiting unanswered. Chromium's own offline emulation does not stop an open WebSocket;
 * this does. Close it to stop its threads and drop every connection.
 */
public final class NetworkCut implements AutoCloseable {

  private final ServerSocket listener;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean cut;
  private volatile boolean closed;

  private NetworkCut(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    Thread accept = new Thread(this::acceptLoop, "network-cut-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** A proxy on a free loopback port to the server on {@code targetPort} of 127.0.0.1, network up. */
  public static NetworkCut to(int targetPort) {
    try {
      return new NetworkCut(targetPort);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The network goes down: every byte from now on waits for {@link #restore()}. */
  public void cut() {
    cut = true;
  }

  /** The network comes back: what was held flows on. */
  public void restore() {
    synchronized (gate) {
      cut = false;
      gate.notifyAll();
    }
  }

  /** Blocks while the network is cut; false once the proxy is closed. */
  private boolean awaitUp() {
    synchronized (gate) {
      while (cut && !closed) {
        try {
          gate.wait(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed;
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        // while cut, a connection is left in the backlog: the browser's connect "succeeds" and then hears nothing
        if (!awaitUp()) return;
        Socket client = listener.accept();
        if (!awaitUp()) {
          client.close();
          return;
        }
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, "up");
        pump(server, client, "down");
      } catch (IOException e) {
        if (closed) return;
      }
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (!awaitUp()) return;
          out.write(buf, 0, n);
          out.flush();
        }
        to.shutdownOutput();
      } catch (SocketException e) {
        // one side went away: so does the other
      } catch (IOException e) {
        // likewise
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "network-cut-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closed already
    }
  }

  @Override
  public void close() {
    closed = true;
    restore();
    try {
      listener.close();
    } catch (IOException e) {
      // closed already
    }
    sockets.forEach(NetworkCut::closeQuietly);
  }
}
