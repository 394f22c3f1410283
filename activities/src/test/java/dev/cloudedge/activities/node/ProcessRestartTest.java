package dev.cloudedge.activities.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose restarts are process restarts, short of the kill itself (NetnsLabTest kills real
 * processes): the retry of a restart that landed on the fresh process completes from the marker, a
 * failing restart command fails the activity and leaves no marker, and a node that serves is not
 * restarted by a start.
 */
class ProcessRestartTest {
  @TempDir Path tmp;
  private TestActivityEnvironment env;

  /** A node hosted by this process whose restart command is {@code restart}. */
  private final class Node implements NodeHost {
    final FaultMethods faults;
    final boolean active;

    Node(String restart, boolean active) {
      this.faults = new CommandFaults("", "", "", "", "", restart);
      this.active = active;
    }

    @Override public String nodeName() { return "proc-node"; }
    @Override public EventdRuntime runtime() { throw new IllegalStateException("no runtime in this test"); }
    @Override public FederationConfig config() { throw new IllegalStateException("no config in this test"); }
    @Override public List<Path> configFiles() { return List.of(); }
    @Override public Path stateFile() { return tmp.resolve("node.db"); }
    @Override public long runtimeInstanceId() { return ProcessHandle.current().pid(); }
    @Override public boolean active() { return active; }
    @Override public ReloadResult reload() { throw new IllegalStateException("no reload in this test"); }
    @Override public void restart() { throw new AssertionError("a process-restart node is never restarted in place"); }
    @Override public void stop() {}
    @Override public void start() { throw new AssertionError("a process-restart node is never started in place"); }
    @Override public String runtimeUnit() { return "process:proc-node"; }
    @Override public Path artifact() { return Path.of("unused.jar"); }
    @Override public FaultMethods faults() { return faults; }
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private NodeActivities stub(NodeHost host) {
    env.registerActivitiesImplementations(new NodeActivitiesImpl(host));
    return env.newActivityStub(NodeActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setHeartbeatTimeout(Duration.ofSeconds(10))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @Test
  void theRetryOnTheFreshProcessCompletesFromTheMarkerWithBothPids() throws Exception {
    Node node = new Node("echo must not run >&2; exit 9", true);
    long self = ProcessHandle.current().pid();
    Path marker = ProcessRestart.marker(node);
    Files.writeString(marker, "{\"tag\":\"t-1\",\"pidBefore\":4242,\"taskToken\":\"AA==\"}");
    RuntimeRestart r = stub(node).restartRuntime(new FaultRequest("t-1"));
    assertEquals(new RuntimeRestart(4242, self, true), r);
    assertFalse(Files.exists(marker), "the marker is consumed");
  }

  @Test
  void aFailingRestartCommandFailsTheActivityAndLeavesNoMarker() {
    Node node = new Node("exit 3", true);
    ActivityFailure f = assertThrows(ActivityFailure.class, () -> stub(node).restartRuntime(new FaultRequest("t-2")));
    assertTrue(String.valueOf(f.getCause().getMessage()).contains("fault method 'restart' exited 3"), f.getCause().getMessage());
    assertFalse(Files.exists(ProcessRestart.marker(node)), "no marker outlives a restart that did not happen");
  }

  @Test
  void aStartOfAServingNodeIsANoOpAndTheOwnMarkerIsNotCompleted() throws Exception {
    long self = ProcessHandle.current().pid();
    Node node = new Node("exit 9", true);
    assertEquals(new RuntimeRestart(self, self, true), stub(node).startRuntime(new FaultRequest("t-3")));
    Path marker = ProcessRestart.marker(node);
    Files.writeString(marker, "{\"tag\":\"t-4\",\"pidBefore\":" + self + ",\"taskToken\":\"AA==\"}");
    // This process wrote it (it is still about to die): there is nothing to complete, so no client is needed.
    ProcessRestart.completePending(node, null, line -> {
      throw new AssertionError("nothing to say: " + line);
    });
    assertTrue(Files.exists(marker));
  }
}
