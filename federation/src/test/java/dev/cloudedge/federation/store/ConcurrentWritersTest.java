package dev.cloudedge.federation.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.event.FederationEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers on one state file, as eventd and {@code federation event emit} (or an observer) are:
 * every write waits its turn for the write lock instead of failing with SQLITE_BUSY. A deferred
 * transaction that reads first and upgrades to write fails at once under WAL when the other
 * writer committed since its snapshot (BUSY_SNAPSHOT), whatever the busy timeout.
 */
class ConcurrentWritersTest {
  @TempDir Path dir;

  @Test
  void twoStoresOnOneFileNeverFailAWrite() throws Exception {
    Path file = dir.resolve("state.db");
    int writers = 4;
    int perWriter = 150;
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<FederationStore> stores = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      FederationStore s = FederationStore.open(file);
      stores.add(s);
      int writer = w;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perWriter; i++) {
          Instant now = Instant.now();
          String id = "evt-w" + writer + "-" + i;
          try {
            // recordEvent reads (does the id exist?) before it writes: the upgrade that BUSY_SNAPSHOT breaks.
            s.recordEvent(new FederationEvent(id, "g", "onprem", FederationEvent.OBSERVED_IPV4_TYPE, "10.0.0." + i + "/32",
                "", Map.of(), now, now.plusSeconds(600)), now);
            s.enqueueDelivery(id, "peer");
          } catch (RuntimeException e) {
            errors.add(id + ": " + e.getMessage());
          }
        }
      });
      threads.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(120_000);
    }
    long stored = stores.get(0).listEvents("g", true, Instant.now().getEpochSecond()).size();
    for (FederationStore s : stores) {
      s.close();
    }
    assertTrue(errors.isEmpty(), errors.size() + " failed writes, e.g. " + errors.peek());
    assertEquals((long) writers * perWriter, stored);
  }
}
