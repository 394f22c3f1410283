package dev.cloudedge.workflows.qualification;

import java.util.ArrayList;
import java.util.List;

/**
 * The pair of nodes a qualification runs against.
 *
 * @param id a stable identifier of the (sender, receiver) pair; only one qualification may hold it
 * @param kind {@code lab} for the loopback lab, {@code hosts} for real hosts from a topology file
 * @param sender the sending node (events are emitted there)
 * @param receiver the receiving node (hosts the subscription)
 * @param receiverEndpoint the receiver's endpoint as the sender's EventPeer names it
 * @param groupA the primary EventGroup
 * @param groupB the second EventGroup, for multi-group isolation; empty when not configured
 * @param subscription the receiver's EventSubscription name (without the kind prefix); empty when none
 */
public record Topology(
    String id,
    String kind,
    NodeRef sender,
    NodeRef receiver,
    String receiverEndpoint,
    String groupA,
    String groupB,
    String subscription) {

  /** Problems with this topology, each naming the field; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (blank(id)) {
      p.add("topology.id is required");
    }
    if (sender == null || blank(sender.name()) || blank(sender.taskQueue())) {
      p.add("topology.sender needs a name and a task queue");
    }
    if (receiver == null || blank(receiver.name()) || blank(receiver.taskQueue())) {
      p.add("topology.receiver needs a name and a task queue");
    }
    if (sender != null && receiver != null && sender.name() != null
        && sender.name().equals(receiver.name())) {
      p.add("topology.sender and topology.receiver must be different nodes");
    }
    if (blank(receiverEndpoint)) {
      p.add("topology.receiverEndpoint is required");
    }
    if (blank(groupA)) {
      p.add("topology.groupA is required");
    }
    return p;
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
