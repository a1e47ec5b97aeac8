package io.vaxflow.store;

import io.vaxflow.support.Ids;
import io.vaxflow.announce.Addresses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.flow.FullDayTest;
import io.vaxflow.store.RedisProcesses.Node;
import io.vaxflow.support.TestCity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The full day on a 3-master Redis Cluster made with {@code redis-cli --cluster create}: the
 * scripts run unchanged (every key of a call in its site's slot), and the demo sites live on
 * different shards.
 */
class ClusterTest {

  private static final List<String> SITES = List.of("xuhui", "jingan", "pudong");

  @Test
  void theFullDayRunsOnAThreeMasterCluster() {
    try (RedisProcesses redis = RedisProcesses.start()) {
      List<Node> nodes = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        nodes.add(redis.server("node" + i, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "2000"));
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      String created = RedisProcesses.run(create);
      assertTrue(created.contains("All 16384 slots covered"), created);
      for (Node n : nodes) {
        assertTrue(RedisProcesses.await(20_000, () -> RedisProcesses.cli(n.port(), "CLUSTER", "INFO").contains("cluster_state:ok")),
            "cluster not ok on " + n.port());
      }

      // Which master serves each site's slot: at least two shards hold the demo sites.
      Map<String, String> owner = new LinkedHashMap<>();
      Map<String, Integer> ownerPort = new HashMap<>();
      for (String site : SITES) {
        int slot = Integer.parseInt(RedisProcesses.cli(nodes.get(0).port(), "CLUSTER", "KEYSLOT", SiteKeys.prefix(site)));
        String node = masterOf(RedisProcesses.cli(nodes.get(0).port(), "CLUSTER", "NODES"), slot);
        owner.put(site, node);
        ownerPort.put(site, Integer.parseInt(node.substring(node.lastIndexOf(':') + 1)));
      }
      assertTrue(new TreeSet<>(owner.values()).size() >= 2, "sites on one shard: " + owner);

      Map<String, String> env = new HashMap<>(FullDayTest.SETTINGS);
      env.put("REDIS_TYPE", "cluster");
      // two of the three nodes: the client learns the rest from the slot map
      env.put("REDIS_URL", nodes.get(0).url() + "," + nodes.get(1).url());
      try (TestCity city = TestCity.onDeployment(env)) {
        FullDayTest.runDay(city);

        // Each site's stream tail reads from its own shard: a booking's event reaches the state feed.
        int i = 0;
        for (String site : SITES) {
          List<Object> states = java.util.Collections.synchronizedList(new ArrayList<>());
          var consumer = city.vertx.eventBus().consumer(io.vaxflow.announce.Addresses.state(site), m -> states.add(m.body()));
          RedisProcesses.await(1_000, () -> false);
          states.clear();
          city.book(site, "Shard Aa", Ids.resident(88, i++), null);
          assertTrue(RedisProcesses.await(10_000, () -> !states.isEmpty()), "no state of " + site + " after its booking");
          consumer.unregister();
        }
      }

      // Each site's data is on the master of its slot; the others redirect there.
      for (String site : SITES) {
        for (Node n : nodes) {
          String exists = RedisProcesses.cli(n.port(), "EXISTS", SiteKeys.Site.SETTINGS.of(site));
          if (n.port() == ownerPort.get(site)) assertEquals("1", exists, site + " settings on its shard " + owner);
          else assertTrue(exists.startsWith("MOVED"), site + " on " + n.port() + ": " + exists);
        }
      }
      assertTrue(Long.parseLong(RedisProcesses.cli(ownerPort.get("pudong"), "XLEN", SiteKeys.Site.EVENTS.of("pudong"))) > 1000,
          "pudong's day is in its stream on its shard");
      Set<String> shards = new TreeSet<>(owner.values());
      System.out.println("ClusterTest: sites on shards " + owner + " (" + shards.size() + " shards)");
    }
  }

  /** The address (host:port) of the master serving {@code slot}, from CLUSTER NODES. */
  private static String masterOf(String clusterNodes, int slot) {
    for (String line : clusterNodes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 9 || !f[2].contains("master")) continue;
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) continue;
        String[] range = f[i].split("-");
        int from = Integer.parseInt(range[0]);
        int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
        if (slot >= from && slot <= to) return f[1].replaceAll("@.*", "");
      }
    }
    throw new AssertionError("no master serves slot " + slot + ":\n" + clusterNodes);
  }
}
