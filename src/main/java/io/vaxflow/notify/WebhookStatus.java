package io.vaxflow.notify;

import java.util.OptionalLong;

/**
 * A webhook's backlog as an instance last read it from Redis (every instance reads the same): events read and not
 * yet answered 2xx ({@code pending}), the age of the oldest event not yet delivered (empty: none), and whether that
 * is older than {@code notify.staleSec} (its receiver has been failing, or the deliveries cannot keep up).
 */
public record WebhookStatus(String id, long pending, OptionalLong oldestSec, boolean stale) {}
