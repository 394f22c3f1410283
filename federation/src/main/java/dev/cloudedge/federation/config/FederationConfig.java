package dev.cloudedge.federation.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The resources of one node's configuration, in file order, with typed views of the federation
 * Kinds. A typed view skips a resource whose spec does not decode; {@link ConfigValidator}
 * reports it.
 *
 * @param files the files it was loaded from (empty for in-memory configs)
 * @param resources every resource, in order
 */
public record FederationConfig(List<Path> files, List<Resource> resources) {
  public FederationConfig {
    files = List.copyOf(files);
    resources = List.copyOf(resources);
  }

  /** An in-memory config, e.g. an overlay built by a test or a qualification scenario. */
  public static FederationConfig of(List<Resource> resources) {
    return new FederationConfig(List.of(), resources);
  }

  /** Resources of one kind, in order. */
  public List<Resource> ofKind(String kind) {
    List<Resource> out = new ArrayList<>();
    for (Resource r : resources) {
      if (r.kind().equals(kind)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Decodable EventGroups, in order. */
  public List<Kinds.EventGroup> eventGroups() {
    return decodeAll(Kinds.EVENT_GROUP, Kinds.EventGroupSpec.class, Kinds.EventGroup::new);
  }

  /** Decodable EventPeers, in order. */
  public List<Kinds.EventPeer> eventPeers() {
    return decodeAll(Kinds.EVENT_PEER, Kinds.EventPeerSpec.class, Kinds.EventPeer::new);
  }

  /** Decodable EventSubscriptions, in order. */
  public List<Kinds.EventSubscription> eventSubscriptions() {
    return decodeAll(Kinds.EVENT_SUBSCRIPTION, Kinds.EventSubscriptionSpec.class, Kinds.EventSubscription::new);
  }

  /** Decodable FederationSLOs, in order. */
  public List<Kinds.FederationSlo> federationSlos() {
    return decodeAll(Kinds.FEDERATION_SLO, Kinds.FederationSloSpec.class, Kinds.FederationSlo::new);
  }

  /** The EventNode tuning resource for {@code nodeName}, if any. */
  public Optional<Kinds.EventNode> eventNode(String nodeName) {
    return decodeAll(Kinds.EVENT_NODE, Kinds.EventNodeSpec.class, Kinds.EventNode::new).stream()
        .filter(n -> n.resource().name().equals(nodeName))
        .findFirst();
  }

  /** The first decodable EventGroup with this name. */
  public Optional<Kinds.EventGroup> eventGroup(String name) {
    return eventGroups().stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /** EventPeers whose trimmed groupRef is {@code group}, in config order. */
  public List<Kinds.EventPeer> peersOf(String group) {
    List<Kinds.EventPeer> out = new ArrayList<>();
    for (Kinds.EventPeer p : eventPeers()) {
      if (p.groupRef().equals(group)) {
        out.add(p);
      }
    }
    return out;
  }

  /** A copy with one resource replaced (same kind and name) or appended; the base is unchanged. */
  public FederationConfig withResource(Resource replacement) {
    List<Resource> out = new ArrayList<>(resources);
    for (int i = 0; i < out.size(); i++) {
      Resource r = out.get(i);
      if (r.kind().equals(replacement.kind()) && r.name().equals(replacement.name())) {
        out.set(i, replacement);
        return new FederationConfig(files, out);
      }
    }
    out.add(replacement);
    return new FederationConfig(files, out);
  }

  @FunctionalInterface
  private interface Ctor<S, T> {
    T make(Resource r, S spec);
  }

  private <S, T> List<T> decodeAll(String kind, Class<S> specType, Ctor<S, T> ctor) {
    List<T> out = new ArrayList<>();
    for (Resource r : ofKind(kind)) {
      try {
        out.add(ctor.make(r, r.decodeSpec(specType)));
      } catch (SpecDecodeException e) {
        // Skipped here; the validator reports it with the resource id.
      }
    }
    return out;
  }
}
