package io.vaxflow.flow;

import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.assertStraight;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaxflow.support.FlowKit.Event;
import io.vaxflow.support.TestCity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A check-in sent 50 times at once makes one ticket, with and without an idempotency key. */
class IdempotencyTest {

  private static final int COPIES = 50;
  private TestCity city;
  private String manager;

  @BeforeEach
  void start() {
    city = TestCity.start(Map.of());
    manager = city.login("manager", "2468");
  }

  @AfterEach
  void stop() {
    city.close();
  }

  private List<HttpResponse<Buffer>> fifty(String voucher, String key) {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < COPIES; i++) {
      HttpRequest<Buffer> req = city.http.post(API + "/checkins");
      if (key != null) req.putHeader("Idempotency-Key", key);
      all.add(req.sendJsonObject(new JsonObject().put("voucher", voucher)));
    }
    Future.join(all).await();
    return all.stream().map(Future::result).toList();
  }

  private int issued() {
    return assertStraight(FlowKit.state(city), "state").getInteger("issued");
  }

  private long checkinEvents(String number) {
    return FlowKit.events(city, manager).stream()
        .filter(e -> e.type().equals("checkin") && e.number().equals(number)).count();
  }

  @Test
  void sameVoucherAndKeyFiftyTimesAtOnceMakeOneTicket() {
    String voucher = city.book(SITE, "Li Lei", "310101198001010018", null).getString("voucher");
    assertEquals(0, issued());
    List<HttpResponse<Buffer>> replies = fifty(voucher, "kiosk-3-retry-0001");

    Map<Integer, Integer> statuses = new HashMap<>();
    Set<String> numbers = new HashSet<>();
    for (HttpResponse<Buffer> r : replies) {
      statuses.merge(r.statusCode(), 1, Integer::sum);
      numbers.add(r.bodyAsJsonObject().getJsonObject("ticket").getString("number"));
    }
    assertEquals(Map.of(201, 1, 200, COPIES - 1), statuses, "one 201, the rest 200");
    assertEquals(1, numbers.size(), "every reply names the same ticket: " + numbers);
    String number = numbers.iterator().next();
    assertEquals(1, issued(), "issued");
    assertEquals(1, checkinEvents(number));

    // A late retry with the same key still gets the same ticket; the same voucher without it is told.
    var again = fifty(voucher, "kiosk-3-retry-0001").get(0);
    assertEquals(200, again.statusCode());
    assertEquals(number, again.bodyAsJsonObject().getJsonObject("ticket").getString("number"));
    var plain = city.post(API + "/checkins", new JsonObject().put("voucher", voucher));
    assertEquals(422, plain.status());
    assertEquals("ALREADY_CHECKED_IN", plain.errorCode());
    assertEquals(number, plain.json().getJsonObject("error").getString("number"));
    assertEquals(1, issued(), "issued");
  }

  @Test
  void sameVoucherFiftyTimesAtOnceWithoutKeyMakesOneTicket() {
    String voucher = city.book(SITE, "Han Meimei", "310101198001010026", null).getString("voucher");
    assertEquals(0, issued());
    List<HttpResponse<Buffer>> replies = fifty(voucher, null);

    List<HttpResponse<Buffer>> created = replies.stream().filter(r -> r.statusCode() == 201).toList();
    assertEquals(1, created.size(), "exactly one 201");
    String number = created.get(0).bodyAsJsonObject().getJsonObject("ticket").getString("number");
    for (HttpResponse<Buffer> r : replies) {
      if (r.statusCode() == 201) continue;
      assertEquals(422, r.statusCode(), r.bodyAsString());
      JsonObject err = r.bodyAsJsonObject().getJsonObject("error");
      assertEquals("ALREADY_CHECKED_IN", err.getString("code"));
      assertEquals(number, err.getString("number"));
    }
    assertEquals(1, issued(), "issued");
    assertEquals(1, checkinEvents(number));
    List<Event> forIt = FlowKit.events(city, manager).stream().filter(e -> e.number().equals(number)).toList();
    assertEquals("checkin", forIt.get(0).type());
  }
}
