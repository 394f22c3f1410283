package dev.cloudedge.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cloudedge.activities.node.CommandFaults;
import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.qualification.NodeRef;
import dev.cloudedge.workflows.qualification.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real-host topology file (YAML):
 *
 * <pre>
 * id: fedqual-vm-pair
 * kind: hosts              # or lab: a lab (e.g. the netns lab), never release-qualifying
 * sender:   {node: fedqual-sender}
 * receiver: {node: fedqual-receiver, endpoint: http://192.168.123.211:8410}
 * groupA: fedqual-primary
 * groupB: fedqual-secondary
 * subscription: fedqual-sub-primary
 * faults:
 *   fedqual-sender:   {partitionApply: "...", partitionRestore: "..."}
 *   fedqual-receiver: {pluginBreak: "...", pluginRestore: "...", pluginCheck: "...", restart: "..."}
 * </pre>
 *
 * The qualification only needs the names; each node worker reads its own {@code faults} entry.
 *
 * @param topology the topology for the workflow
 * @param faults the fault commands per node name
 */
public record TopologyFile(Topology topology, java.util.Map<String, CommandFaults> faults) {
  private static final ObjectMapper YAML = new YAMLMapper();

  /**
   * Loads and checks a topology file.
   *
   * @throws IllegalArgumentException naming the file and the field
   */
  public static TopologyFile load(Path file) {
    JsonNode n;
    try {
      n = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("topology file " + file + ": " + e.getMessage().split("\n")[0], e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("topology file " + file + ": expected a mapping");
    }
    String sender = n.path("sender").path("node").asText("");
    String receiver = n.path("receiver").path("node").asText("");
    List<String> problems = new ArrayList<>();
    if (sender.isBlank()) {
      problems.add("sender.node is required");
    }
    if (receiver.isBlank()) {
      problems.add("receiver.node is required");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("topology file " + file + ": " + String.join("; ", problems));
    }
    String kind = n.path("kind").asText("hosts");
    if (!kind.equals("hosts") && !kind.equals("lab")) {
      throw new IllegalArgumentException("topology file " + file + ": kind must be hosts (the default) or lab, got " + kind);
    }
    Topology t = new Topology(n.path("id").asText(""), kind, new NodeRef(sender, TaskQueues.node(sender)),
        new NodeRef(receiver, TaskQueues.node(receiver)), n.path("receiver").path("endpoint").asText(""),
        n.path("groupA").asText(""), n.path("groupB").asText(""), n.path("subscription").asText(""));
    if (!t.problems().isEmpty()) {
      throw new IllegalArgumentException("topology file " + file + ": " + String.join("; ", t.problems()));
    }
    java.util.Map<String, CommandFaults> faults = new java.util.LinkedHashMap<>();
    n.path("faults").fields().forEachRemaining(e -> {
      JsonNode f = e.getValue();
      faults.put(e.getKey(), new CommandFaults(f.path("partitionApply").asText(""), f.path("partitionRestore").asText(""),
          f.path("pluginBreak").asText(""), f.path("pluginRestore").asText(""), f.path("pluginCheck").asText(""),
          f.path("restart").asText("")));
    });
    return new TopologyFile(t, faults);
  }

  /** The fault commands of {@code node}; every method missing when the file has none for it. */
  public CommandFaults faultsOf(String node) {
    return faults.getOrDefault(node, new CommandFaults("", "", "", "", ""));
  }
}
