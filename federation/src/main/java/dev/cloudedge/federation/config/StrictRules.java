package dev.cloudedge.federation.config;

import dev.cloudedge.federation.event.GoText;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks {@code cloudedge validate} adds to routerd's rules (CloudEdge; routerd accepts all of
 * these): a file without resources, a Kind nobody knows, and a reference to a resource that does
 * not exist. eventd and the other commands keep routerd's rules, so every config routerd accepts
 * still starts them.
 */
final class StrictRules {
  /**
   * API groups whose every Kind CloudEdge knows: a Kind of theirs that the validator does not
   * know is a typo, even inside a routerd {@code Router} document.
   */
  static final Set<String> OWN_API_VERSIONS = Set.of(Kinds.FEDERATION_API_VERSION, Kinds.CLOUDEDGE_API_VERSION,
      dev.cloudedge.federation.plugin.PluginKind.API_VERSION);

  private StrictRules() {}

  static void check(FederationConfig config, Set<String> knownKinds, List<ConfigProblem> problems) {
    emptyFiles(config, problems);
    unknownKinds(config, knownKinds, problems);
    danglingReferences(config, problems);
  }

  /** A file that yields no resource: empty, only comments, only empty documents, or a Router without resources. */
  private static void emptyFiles(FederationConfig config, List<ConfigProblem> problems) {
    for (Path f : config.files()) {
      String prefix = f + " document ";
      if (config.resources().stream().noneMatch(r -> r.origin().startsWith(prefix))) {
        problems.add(new ConfigProblem("", f.toString(),
            "config file " + f + " has no resources (it is empty, holds only comments, or has no documents)"));
      }
    }
  }

  /**
   * A Kind the validator has no rule for is an error, except a resource of another routerd API
   * group inside a routerd {@code Router} document (interfaces, DHCP, …): those are routerd's, and
   * CloudEdge ignores them.
   */
  private static void unknownKinds(FederationConfig config, Set<String> knownKinds, List<ConfigProblem> problems) {
    String known = knownKinds.stream().sorted().collect(Collectors.joining(", "));
    for (Resource r : config.resources()) {
      if (knownKinds.contains(r.kind())) {
        continue;
      }
      if (ConfigLoader.inRouterDocument(r) && !OWN_API_VERSIONS.contains(r.apiVersion())) {
        continue;
      }
      problems.add(new ConfigProblem(r.id(), r.origin(), r.id() + " kind \"" + r.kind()
          + "\" is not a known Kind (known: " + known + ")"));
    }
  }

  private static void danglingReferences(FederationConfig config, List<ConfigProblem> problems) {
    Set<String> groups = names(config, Kinds.EVENT_GROUP, Kinds.FEDERATION_API_VERSION);
    Set<String> plugins = names(config, dev.cloudedge.federation.plugin.PluginKind.KIND,
        dev.cloudedge.federation.plugin.PluginKind.API_VERSION);
    Set<String> nodeNames = new HashSet<>();
    for (Resource g : config.ofKind(Kinds.EVENT_GROUP)) {
      nodeNames.add(GoText.trimSpace(g.spec().path("nodeName").asText("")));
    }
    // FederationSLO's groupRef is routerd's own cross rule (FederationRules.sloCrossReferences).
    for (String kind : List.of(Kinds.EVENT_PEER, Kinds.EVENT_SUBSCRIPTION)) {
      for (Resource r : config.ofKind(kind)) {
        String g = GoText.trimSpace(r.spec().path("groupRef").asText(""));
        if (!g.isEmpty() && !groups.contains(g)) {
          problems.add(new ConfigProblem(r.id(), r.origin(),
              r.id() + " spec.groupRef \"" + g + "\" does not reference an existing EventGroup resource"));
        }
      }
    }
    for (Resource r : config.ofKind(Kinds.EVENT_SUBSCRIPTION)) {
      String p = GoText.trimSpace(r.spec().path("trigger").path("pluginRef").asText(""));
      if (!p.isEmpty() && !plugins.contains(p)) {
        problems.add(new ConfigProblem(r.id(), r.origin(),
            r.id() + " spec.trigger.pluginRef \"" + p + "\" does not reference an existing Plugin resource"));
      }
    }
    for (Resource r : config.ofKind(Kinds.EVENT_NODE)) {
      String n = GoText.trimSpace(r.name());
      if (!n.isEmpty() && !nodeNames.contains(n)) {
        problems.add(new ConfigProblem(r.id(), r.origin(), r.id()
            + " metadata.name \"" + n + "\" is not the spec.nodeName of any EventGroup (an EventNode tunes that node)"));
      }
    }
  }

  private static Set<String> names(FederationConfig config, String kind, String apiVersion) {
    Set<String> out = new HashSet<>();
    for (Resource r : config.ofKind(kind)) {
      if (apiVersion.equals(r.apiVersion())) {
        out.add(r.name());
      }
    }
    return out;
  }
}
