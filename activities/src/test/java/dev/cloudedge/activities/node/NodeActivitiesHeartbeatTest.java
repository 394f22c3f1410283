package dev.cloudedge.activities.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.eventd.ReloadResult;
import dev.cloudedge.workflows.qualification.NodeActivities;
import dev.cloudedge.workflows.qualification.NodeActivities.FaultRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.RuntimeRestart;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long node activities heartbeat while they run and honour a cancel: a probe-like check is
 * interrupted at once (its command killed), a restart or fault command finishes first so the
 * node is never left half-changed, and then the activity reports the cancel.
 */
class NodeActivitiesHeartbeatTest {
  @TempDir Path tmp;
  private TestActivityEnvironment env;
  private final AtomicInteger heartbeats = new AtomicInteger();

  /** A node whose restart takes as long as a slow {@code systemctl restart}. */
  private static final class SlowNode implements NodeHost {
    final FaultMethods faults;
    final long restartMillis;
    volatile long instance = 1;
    volatile boolean restarted;

    SlowNode(FaultMethods faults, long restartMillis) {
      this.faults = faults;
      this.restartMillis = restartMillis;
    }

    @Override public String nodeName() { return "slow-node"; }
    @Override public EventdRuntime runtime() { throw new IllegalStateException("no runtime in this test"); }
    @Override public FederationConfig config() { throw new IllegalStateException("no config in this test"); }
    @Override public List<Path> configFiles() { return List.of(); }
    @Override public Path stateFile() { return Path.of("unused.db"); }
    @Override public long runtimeInstanceId() { return instance; }
    @Override public boolean active() { return true; }
    @Override public ReloadResult reload() { throw new IllegalStateException("no reload in this test"); }
    @Override public String runtimeUnit() { return "in-process:slow-node"; }
    @Override public Path artifact() { return Path.of("unused.jar"); }
    @Override public FaultMethods faults() { return faults; }

    @Override
    public void restart() throws Exception {
      Thread.sleep(restartMillis);
      instance++;
      restarted = true;
    }

    @Override
    public void stop() {
      try {
        Thread.sleep(restartMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void start() throws Exception {
      Thread.sleep(restartMillis);
      instance++;
    }
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.setActivityHeartbeatListener(String.class, d -> heartbeats.incrementAndGet());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private NodeActivities stub(NodeHost host) {
    env.registerActivitiesImplementations(new NodeActivitiesImpl(host));
    // A short heartbeat timeout so the SDK's heartbeat throttle (0.8 x timeout) sends often.
    return env.newActivityStub(NodeActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setHeartbeatTimeout(Duration.ofSeconds(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @Test
  void aSlowRestartHeartbeatsWhileItRuns() {
    SlowNode node = new SlowNode(new CommandFaults("", "", "", "", ""), 3500);
    RuntimeRestart r = stub(node).restartRuntime(new FaultRequest("t"));
    assertNotEquals(r.pidBefore(), r.pidAfter());
    assertTrue(heartbeats.get() >= 2, "heartbeats during a 3.5 s restart: " + heartbeats.get());
  }

  @Test
  void aSlowStopAndStartHeartbeatWhileTheyRun() {
    SlowNode node = new SlowNode(new CommandFaults("", "", "", "", ""), 3500);
    NodeActivities a = stub(node);
    a.stopRuntime(new FaultRequest("t"));
    int afterStop = heartbeats.get();
    assertTrue(afterStop >= 2, "heartbeats during a 3.5 s stop: " + afterStop);
    a.startRuntime(new FaultRequest("t"));
    assertTrue(heartbeats.get() - afterStop >= 2, "heartbeats during a 3.5 s start: " + (heartbeats.get() - afterStop));
  }

  @Test
  void aCancelledPluginCheckStopsAtOnceAndKillsItsCommand() throws Exception {
    Path started = tmp.resolve("started");
    Path finished = tmp.resolve("finished");
    FaultMethods faults = new CommandFaults("", "", "", "",
        "touch '" + started + "'; sleep 20; touch '" + finished + "'");
    NodeActivities a = stub(new SlowNode(faults, 0));
    long t0 = System.nanoTime();
    CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(() -> a.pluginHealthy("sub"));
    awaitFile(started);
    env.requestCancelActivity();
    RuntimeException e = assertThrows(RuntimeException.class, () -> unwrap(check));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms < 10_000, "a cancel stops a 20 s check within seconds, took " + ms + " ms");
    assertTrue(chain(e).contains("Cancel"), chain(e));
    Thread.sleep(500);
    assertTrue(!Files.exists(finished), "the command was killed, not left running");
    assertTrue(heartbeats.get() >= 1, "it heartbeat while the check ran");
  }

  @Test
  void aCancelledRestartFinishesItsRestartFirst() throws Exception {
    SlowNode node = new SlowNode(new CommandFaults("", "", "", "", ""), 4000);
    NodeActivities a = stub(node);
    CompletableFuture<RuntimeRestart> restart = CompletableFuture.supplyAsync(() -> a.restartRuntime(new FaultRequest("t")));
    Thread.sleep(1500);
    env.requestCancelActivity();
    RuntimeException e = assertThrows(RuntimeException.class, () -> unwrap(restart));
    assertTrue(chain(e).contains("Cancel"), chain(e));
    assertTrue(node.restarted, "the restart ran to its end before the cancel was reported");
    assertEquals(2, node.instance);
  }

  private static <T> T unwrap(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  private static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" <- ");
    }
    return b.toString();
  }

  private static void awaitFile(Path p) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (!Files.exists(p)) {
      assertTrue(System.currentTimeMillis() < until, p + " never appeared");
      Thread.sleep(20);
    }
  }
}
