package dev.cloudedge.activities.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-host fault methods run as real child processes with the fault's tag in FEDQUAL_TAG. */
class CommandFaultsTest {

  @Test
  void commandsGetTheTagAndTheirExitStatusDecides(@TempDir Path tmp) throws Exception {
    Path rule = tmp.resolve("rule");
    Path plugin = tmp.resolve("plugin");
    Files.writeString(plugin, "#!/bin/sh\n");
    CommandFaults f = new CommandFaults(
        "printf '%s' \"$FEDQUAL_TAG\" > " + rule,
        "rm -f " + rule,
        "chmod a-x " + plugin,
        "chmod a+x " + plugin,
        "test -x " + plugin);
    f.applyPartition("fedqual-run-c1-partition-0");
    assertEquals("fedqual-run-c1-partition-0", Files.readString(rule));
    f.restorePartition("fedqual-run-c1-partition-0");
    f.restorePartition("fedqual-run-c1-partition-0");
    assertFalse(Files.exists(rule));
    f.restorePlugin("t");
    assertTrue(f.pluginHealthy("s"));
    f.breakPlugin("t");
    assertFalse(f.pluginHealthy("s"));
  }

  @Test
  void failingAndMissingCommandsAreReported() {
    CommandFaults f = new CommandFaults("exit 3", "", "", "", "");
    IOException e = assertThrows(IOException.class, () -> f.applyPartition("t"));
    assertEquals("fault method 'partitionApply' exited 3", e.getMessage());
    CommandFaults.FaultMethodMissingException m =
        assertThrows(CommandFaults.FaultMethodMissingException.class, () -> f.restorePartition("t"));
    assertTrue(m.getMessage().contains("'partitionRestore' is not set"), m.getMessage());
  }

  @Test
  void aRestartCommandGetsTheWorkersPidAndMakesRestartsProcessRestarts(@TempDir Path tmp) throws Exception {
    assertFalse(new CommandFaults("", "", "", "", "").restartsProcess(), "no restart command: restarts stay in process");
    Path seen = tmp.resolve("seen");
    CommandFaults f = new CommandFaults("", "", "", "", "", "printf '%s %s' \"$FEDQUAL_PID\" \"$FEDQUAL_TAG\" > " + seen);
    assertTrue(f.restartsProcess());
    f.restartProcess("fedqual-run-c1-restart-0", 4242);
    assertEquals("4242 fedqual-run-c1-restart-0", Files.readString(seen));
    IOException e = assertThrows(IOException.class,
        () -> new CommandFaults("", "", "", "", "", "exit 7").restartProcess("t", 1));
    assertEquals("fault method 'restart' exited 7", e.getMessage());
  }

  @Test
  void endpointsWithIpv6AndDefaultPorts() {
    assertEquals(8410, NodeActivitiesImpl.address("http://[::1]:8410").getPort());
    assertTrue(NodeActivitiesImpl.address("http://[::1]:8410").getAddress().isLoopbackAddress());
    assertEquals(443, NodeActivitiesImpl.address("https://127.0.0.1").getPort());
    assertEquals(80, NodeActivitiesImpl.address("http://127.0.0.1/").getPort());
  }

  @Test
  void prometheusTextIsSummedByNameWithLabelNames() {
    NodeActivitiesImplMetrics.check();
  }
}
