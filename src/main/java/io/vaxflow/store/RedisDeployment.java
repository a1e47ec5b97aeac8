package io.vaxflow.store;

import io.vaxflow.config.VaxflowConfig;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;

/**
 * The Vert.x Redis client's options for the configured deployment. Standalone: the one URL.
 * Cluster: the client reads the slot map from any of the given nodes and sends each command to
 * the master of its key's slot, following MOVED/ASK (a resharding) by itself. Sentinel: the client
 * asks the sentinels for the current master of {@code master} (cached for a second), so a new
 * connection after a failover reaches the promoted replica. Replicas are never read from: every
 * script writes, and a read from a lagging replica could show a ticket older than the one issued.
 */
public final class RedisDeployment {

  private RedisDeployment() {}

  /**
   * Options for {@code cfg}; {@code url} is the embedded redis-server's URL when {@code cfg} names
   * none (standalone), otherwise ignored in favour of the configured endpoints.
   */
  public static RedisOptions options(VaxflowConfig.Redis cfg, String url) {
    RedisOptions o = new RedisOptions();
    switch (cfg.type()) {
      case STANDALONE -> o.setType(RedisClientType.STANDALONE)
          .setConnectionString(cfg.endpoints().isEmpty() ? url : cfg.endpoints().get(0));
      case CLUSTER -> {
        o.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
        cfg.endpoints().forEach(o::addConnectionString);
      }
      case SENTINEL -> {
        o.setType(RedisClientType.SENTINEL).setMasterName(cfg.master()).setRole(RedisRole.MASTER);
        cfg.endpoints().forEach(o::addConnectionString);
      }
      default -> throw new IllegalArgumentException("redis type " + cfg.type());
    }
    return o;
  }
}
