package io.vaxflow.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.support.TestCity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Half-sent requests do not hold connections: with a 1 s request deadline, a request head that
 * stops half way, one trickled a byte at a time (never idle), and a connection that sends nothing
 * are all closed by the server; a whole request on the same kind of connection is answered, and
 * a keep-alive connection that sends no next request is closed after the idle timeout.
 * Raw sockets on loopback; every wait is bounded.
 */
class SlowClientTest {

  private static final Map<String, String> ONE_SECOND = Map.of("VAXFLOW_HTTP_REQUESTTIMEOUTMS", "1000");
  /** How long a test waits for the server to close, at most (the deadline is 1 s). */
  private static final int WAIT_MS = 15_000;

  @Test
  void aHalfSentRequestIsClosedAtTheDeadline() throws IOException {
    try (TestCity city = TestCity.start(ONE_SECOND); Socket s = connect(city)) {
      send(s, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ");
      long t0 = System.nanoTime();
      assertClosedWithin(s, WAIT_MS);
      System.out.printf("SlowClientTest: a half-sent request closed after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  @Test
  void aTrickledRequestIsClosedThoughNeverIdle() throws IOException {
    try (TestCity city = TestCity.start(ONE_SECOND); Socket s = connect(city)) {
      send(s, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      s.setSoTimeout(200);
      long t0 = System.nanoTime();
      for (int i = 0; i < WAIT_MS / 200; i++) {
        try {
          if (s.getInputStream().read() == -1) {
            System.out.printf("SlowClientTest: a trickled request closed after %.1f s, %d bytes trickled%n",
                (System.nanoTime() - t0) / 1e9, i);
            return;
          }
          fail("the server answered a request whose head never ended");
        } catch (SocketTimeoutException stillOpen) {
          try {
            send(s, "a");
          } catch (IOException closed) {
            return; // reset by the server
          }
        }
      }
      fail("a request trickled for " + WAIT_MS + " ms still holds its connection");
    }
  }

  @Test
  void aSilentConnectionIsClosedAndAWholeRequestIsAnswered() throws IOException {
    try (TestCity city = TestCity.start(ONE_SECOND)) {
      try (Socket silent = connect(city)) {
        assertClosedWithin(silent, WAIT_MS);
      }
      try (Socket s = connect(city)) {
        send(s, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        s.setSoTimeout(WAIT_MS);
        String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 200", status);
      }
    }
  }

  @Test
  void aKeepAliveConnectionWithoutANextRequestIsClosed() throws IOException {
    try (TestCity city = TestCity.start(Map.of("VAXFLOW_HTTP_REQUESTTIMEOUTMS", "1000", "VAXFLOW_HTTP_IDLETIMEOUTSEC", "2"));
         Socket s = connect(city)) {
      send(s, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      s.setSoTimeout(WAIT_MS);
      long t0 = System.nanoTime();
      try {
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII); // until the server closes
        assertTrue(all.startsWith("HTTP/1.1 200") && all.endsWith("{\"pong\":true}"), all);
      } catch (SocketTimeoutException e) {
        fail("a keep-alive connection without a next request was still open after " + WAIT_MS + " ms");
      }
      System.out.printf("SlowClientTest: an idle keep-alive connection closed after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  private static Socket connect(TestCity city) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", city.port()), 2000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The server closes the connection (EOF or reset) before {@code ms} pass, having answered nothing. */
  private static void assertClosedWithin(Socket s, int ms) throws IOException {
    s.setSoTimeout(ms);
    InputStream in = s.getInputStream();
    try {
      int b = in.read();
      assertEquals(-1, b, "the server answered a request it never got whole");
    } catch (SocketTimeoutException e) {
      fail("the connection was still open after " + ms + " ms");
    } catch (IOException reset) {
      assertTrue(reset.getMessage() == null || !reset.getMessage().isEmpty());
    }
  }
}
