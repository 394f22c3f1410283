package dev.cloudedge.federation.provider.executors;

import static dev.cloudedge.federation.provider.executors.Results.bareIp;
import static dev.cloudedge.federation.provider.executors.Results.cliFailure;
import static dev.cloudedge.federation.provider.executors.Results.failed;
import static dev.cloudedge.federation.provider.executors.Results.missing;
import static dev.cloudedge.federation.provider.executors.Results.obs;
import static dev.cloudedge.federation.provider.executors.Results.ok;
import static dev.cloudedge.federation.provider.executors.Results.skipped;
import static dev.cloudedge.federation.provider.executors.Results.truthy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bundled {@code oci-executor} (reference §4.11): drives the {@code oci} CLI with routerd's exact
 * argv plus {@code --auth instance_principal --output json}. "Already assigned" is a success when
 * the VNIC really holds the address; an absent address on unassign is {@code skipped}.
 */
public final class OciExecutor implements ProviderExecutor {
  static final List<String> AUTH = List.of("notauthorizedornotfound", "not authorized", "authorization", "forbidden",
      "status code: 401", "status code: 403", "http 401", "http 403");
  static final List<String> ALREADY = List.of("already assigned", "already exists", "already in use", "in use",
      "conflict", "409");
  static final List<String> NOT_FOUND = List.of("not found", "notfound", "could not be found", "404");
  /** Per-call timeout. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(25);
  /** Where the CLI is looked for after PATH. */
  static final List<String> FALLBACKS = List.of("/usr/local/bin/oci", "/usr/bin/oci", "/bin/oci", "/opt/oci-cli/bin/oci");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cli cli;

  public OciExecutor(Cli cli) {
    this.cli = cli;
  }

  /** The production CLI: {@code OCI_CLI_PATH}, else {@code oci} on PATH, else the usual install paths. */
  public static Cli processCli(Map<String, String> env) {
    String explicit = env.getOrDefault("OCI_CLI_PATH", "").trim();
    String path = env.getOrDefault("PATH", "");
    return argv -> {
      String bin;
      if (!explicit.isEmpty()) {
        Path p = Path.of(explicit);
        if (!Files.exists(p)) {
          throw new CliException("OCI_CLI_PATH=" + explicit + " is not executable: stat " + explicit
              + ": no such file or directory", false);
        }
        if (Files.isDirectory(p) || !Files.isExecutable(p)) {
          throw new CliException("OCI_CLI_PATH=" + explicit + " is not executable: "
              + (Files.isDirectory(p) ? "is a directory" : "permission denied"), false);
        }
        bin = explicit;
      } else {
        bin = ProcessCli.lookPath("oci", path);
        if (!bin.contains("/")) {
          bin = FALLBACKS.stream().filter(f -> Files.isRegularFile(Path.of(f)) && Files.isExecutable(Path.of(f)))
              .findFirst().orElseThrow(() -> new CliException("OCI CLI \"oci\" was not found as an executable on PATH="
                  + path + "; set OCI_CLI_PATH to an absolute executable path", false));
        }
      }
      return new ProcessCli("oci", bin, List.of("--auth", "instance_principal", "--output", "json"), env,
          CALL_TIMEOUT, null).run(argv);
    };
  }

  /** The leading non-flag tokens of an argv. */
  static List<String> leading(List<String> argv) {
    List<String> out = new ArrayList<>();
    for (String a : argv) {
      if (a.startsWith("-")) {
        break;
      }
      out.add(a);
    }
    return out;
  }

  static Cli dryRunGuard(Cli inner) {
    return argv -> {
      List<String> lead = leading(argv);
      String last = lead.isEmpty() ? "" : lead.get(lead.size() - 1);
      if (!(last.equals("get") || last.equals("list") || last.endsWith("-get") || last.endsWith("-list"))) {
        throw new CliException("dry-run guard: refusing non-read-only oci command \"" + String.join(" ", lead)
            + "\" (only *get/*list permitted in dry-run)", false);
      }
      return inner.run(argv);
    };
  }

  @Override
  public ExecuteActionResult execute(ExecuteActionRequest.Spec s) {
    String mode = s.mode();
    if (!mode.equals("dry-run") && !mode.equals("execute")) {
      return Results.invalidMode(mode);
    }
    Run r = new Run(s, mode.equals("dry-run") ? dryRunGuard(cli) : cli, mode.equals("dry-run"));
    return ActionOps.dispatch(s, r);
  }

  /** A private IP of a VNIC. */
  record PrivateIp(String id, String address) {}

  static List<PrivateIp> parsePrivateIps(String json) throws CliException {
    try {
      List<PrivateIp> out = new ArrayList<>();
      for (JsonNode n : JSON.readTree(json).path("data")) {
        out.add(new PrivateIp(n.path("id").asText(""), n.path("ip-address").asText("")));
      }
      return out;
    } catch (IOException e) {
      throw new CliException("decode private-ip list output: " + e.getMessage(), false);
    }
  }

  static boolean hasAny(String text, List<String> patterns) {
    String t = text.toLowerCase(Locale.ROOT);
    return patterns.stream().anyMatch(t::contains);
  }

  private static final class Run extends ExecutorRun<RuntimeException> {
    Run(ExecuteActionRequest.Spec s, Cli cli, boolean dry) {
      super(s, cli, dry, AUTH);
    }

    private JsonNode vnicGet(String vnic) throws CliException {
      try {
        return JSON.readTree(cli.run(List.of("network", "vnic", "get", "--vnic-id", vnic))).path("data");
      } catch (IOException e) {
        throw new CliException("decode vnic get output: " + e.getMessage(), false);
      }
    }

    private List<PrivateIp> list(String vnic) throws CliException {
      return parsePrivateIps(cli.run(List.of("network", "private-ip", "list", "--vnic-id", vnic)));
    }

    private static PrivateIp find(List<PrivateIp> ips, String ip) {
      String host = ip.contains("/") ? ip.substring(0, ip.indexOf('/')) : ip;
      for (PrivateIp p : ips) {
        String a = p.address().contains("/") ? p.address().substring(0, p.address().indexOf('/')) : p.address();
        if (a.equals(host)) {
          return p;
        }
      }
      return null;
    }

    @Override
    public ExecuteActionResult assignIp() {
      String err = need("nicRef", "target.nicRef (VNIC OCID) is required", "address", "target.address is required");
      if (err != null) {
        return missing(action, err);
      }
      String vnic = s.t("nicRef");
      String ip = bareIp(s.t("address"));
      boolean seize = truthy(s.p("allowReassignment"));
      if (dry) {
        try {
          vnicGet(vnic);
          return ok((seize ? "would seize/reassign " : "would assign ") + ip + " to " + vnic, Map.of(), true);
        } catch (CliException e) {
          return fail("vnic get failed", e, "use vnics");
        }
      }
      if (seize) {
        try {
          PrivateIp have = find(list(vnic), ip);
          if (have != null) {
            return ok("seized/reassigned " + ip + " to " + vnic + " (already present as private-ip " + have.id() + ")",
                obs("assignedAddress", ip, "privateIPOCID", have.id(), "seizeAlreadyPresent", "true"), true);
          }
          cli.run(List.of("network", "vnic", "assign-private-ip", "--vnic-id", vnic, "--ip-address", ip,
              "--unassign-if-already-assigned"));
          return ok("seized/reassigned " + ip + " to " + vnic, obs("assignedAddress", ip), true);
        } catch (CliException e) {
          return fail("assign failed", e, "manage private-ips");
        }
      }
      try {
        cli.run(List.of("network", "private-ip", "create", "--vnic-id", vnic, "--ip-address", ip));
        return ok("assigned " + ip + " to " + vnic, obs("assignedAddress", ip), true);
      } catch (CliException e) {
        if (hasAny(e.getMessage(), ALREADY)) {
          try {
            PrivateIp have = find(list(vnic), ip);
            if (have != null) {
              return ok(ip + " already present on " + vnic + " (private-ip " + have.id() + ")",
                  obs("assignedAddress", ip, "privateIPOCID", have.id(), "seizeAlreadyPresent", "true"), true);
            }
          } catch (CliException ignored) {
            // Report the create error below.
          }
        }
        return fail("assign failed", e, "manage private-ips");
      }
    }

    @Override
    public ExecuteActionResult unassignIp() {
      String err = need("nicRef", "target.nicRef (VNIC OCID) is required", "address", "target.address is required");
      if (err != null) {
        return missing(action, err);
      }
      String vnic = s.t("nicRef");
      String ip = bareIp(s.t("address"));
      if (dry) {
        try {
          vnicGet(vnic);
          return ok("would unassign " + ip + " from " + vnic, Map.of(), true);
        } catch (CliException e) {
          return fail("vnic get failed", e, "manage private-ips");
        }
      }
      PrivateIp have;
      try {
        have = find(list(vnic), ip);
      } catch (CliException e) {
        return fail("private-ip list failed", e, "manage private-ips");
      }
      if (have == null) {
        return skipped(ip + " is not present on " + vnic + "; nothing to unassign", Map.of());
      }
      try {
        cli.run(List.of("network", "private-ip", "delete", "--private-ip-id", have.id(), "--force"));
        return ok("unassigned " + ip + " from " + vnic + " (private-ip " + have.id() + ")",
            obs("unassignedAddress", ip, "privateIPOCID", have.id()), true);
      } catch (CliException e) {
        if (hasAny(e.getMessage(), NOT_FOUND) && !hasAny(e.getMessage(), List.of("notauthorizedornotfound"))) {
          return skipped("private-ip " + have.id() + " for " + ip + " is already absent; nothing to unassign", Map.of());
        }
        return fail("delete failed", e, "manage private-ips");
      }
    }

    @Override
    public ExecuteActionResult forwardingEnabled() {
      String err = need("nicRef", "target.nicRef (VNIC OCID) is required");
      if (err != null) {
        return missing(action, err);
      }
      String vnic = s.t("nicRef");
      String prior;
      try {
        prior = Boolean.toString(vnicGet(vnic).path("skip-source-dest-check").asBoolean(false));
      } catch (CliException e) {
        return fail("vnic get failed", e, "use vnics");
      }
      if (dry) {
        Map<String, String> o = obs("priorSkipSourceDestCheck", prior);
        if (prior.equals("true")) {
          o.put("effectPresent", "true");
        }
        return ok("would set skipSourceDestCheck=true", o, true);
      }
      try {
        cli.run(List.of("network", "vnic", "update", "--vnic-id", vnic, "--skip-source-dest-check", "true"));
        return ok("set skipSourceDestCheck=true on " + vnic + " (prior=" + prior + ")",
            obs("priorSkipSourceDestCheck", prior), true);
      } catch (CliException e) {
        return cliFailure(action + " execute: vnic update failed", e, "use vnics", AUTH,
            obs("priorSkipSourceDestCheck", prior));
      }
    }

    @Override
    public ExecuteActionResult forwardingDisabled() {
      String err = need("nicRef", "target.nicRef (VNIC OCID) is required");
      if (err != null) {
        return missing(action, err);
      }
      String prior = s.p("priorSkipSourceDestCheck").toLowerCase(Locale.ROOT);
      if (prior.equals("true")) {
        return skipped("prior skipSourceDestCheck was already true; nothing to restore",
            obs("priorSkipSourceDestCheck", prior));
      }
      if (!prior.equals("false")) {
        return failed("ensure-forwarding-disabled: missing/invalid priorSkipSourceDestCheck parameter (want true|false)",
            "", Map.of());
      }
      String vnic = s.t("nicRef");
      if (dry) {
        return ok("would set skipSourceDestCheck=false (restore prior=false)", obs("priorSkipSourceDestCheck", prior),
            false);
      }
      try {
        cli.run(List.of("network", "vnic", "update", "--vnic-id", vnic, "--skip-source-dest-check", "false"));
        return ok("set skipSourceDestCheck=false on " + vnic + " (restored prior=false)",
            obs("priorSkipSourceDestCheck", prior), false);
      } catch (CliException e) {
        return cliFailure(action + " execute: vnic update failed", e, "use vnics", AUTH,
            obs("priorSkipSourceDestCheck", prior));
      }
    }

    private String dest() {
      return bareIp(s.t("address")) + "/32";
    }

    private ArrayNode rules(String rt) throws CliException {
      try {
        JsonNode n = JSON.readTree(cli.run(List.of("network", "route-table", "get", "--rt-id", rt)))
            .path("data").path("route-rules");
        return n.isArray() ? (ArrayNode) n : JSON.createArrayNode();
      } catch (IOException e) {
        throw new CliException("decode route-table get output: " + e.getMessage(), false);
      }
    }

    private static String ruleDest(JsonNode r) {
      String d = r.path("destination").asText("");
      return d.isEmpty() ? r.path("cidr-block").asText("") : d;
    }

    /** The rule set in the CLI's input form (camelCase keys). */
    private static ArrayNode toInput(List<JsonNode> rules) {
      ArrayNode out = JSON.createArrayNode();
      for (JsonNode r : rules) {
        ObjectNode o = out.addObject();
        o.put("destination", ruleDest(r));
        String type = r.path("destination-type").asText(r.path("destinationType").asText(""));
        o.put("destinationType", type.isEmpty() ? "CIDR_BLOCK" : type);
        o.put("networkEntityId", r.path("network-entity-id").asText(r.path("networkEntityId").asText("")));
        String desc = r.path("description").asText("");
        if (!desc.isEmpty()) {
          o.put("description", desc);
        }
      }
      return out;
    }

    @Override
    public ExecuteActionResult assignRoute() {
      String err = need("routeTableRef", "target.routeTableRef is required", "nicRef",
          "target.nicRef (VNIC OCID) is required", "address", "target.address is required", "nextHopIPAddress",
          "target.nextHopIPAddress is required");
      if (err != null) {
        return missing(action, err);
      }
      String rt = s.t("routeTableRef");
      String vnic = s.t("nicRef");
      String nextHop = bareIp(s.t("nextHopIPAddress"));
      String dest = dest();
      if (dry) {
        try {
          rules(rt);
          return ok("would route " + dest + " via " + nextHop + " in " + rt, Map.of(), true);
        } catch (CliException e) {
          return fail("route-table get failed", e, "manage route-tables");
        }
      }
      PrivateIp hop;
      try {
        hop = find(list(vnic), nextHop);
      } catch (CliException e) {
        return fail("private-ip lookup failed", e, "use private-ips");
      }
      if (hop == null) {
        return failed(action + " execute: next hop lookup failed",
            "private-ip not found: address \"" + nextHop + "\" on vnic \"" + vnic + "\"", Map.of());
      }
      try {
        List<JsonNode> all = new ArrayList<>();
        rules(rt).forEach(all::add);
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode r : all) {
          if (ruleDest(r).equals(dest)) {
            String entity = r.path("network-entity-id").asText("");
            if (entity.equals(hop.id())) {
              return ok(dest + " already routes to " + hop.id() + " in " + rt,
                  obs("assignedRoute", dest, "routeTableRef", rt, "nextHopPrivateIP", hop.id()), true);
            }
            if (!truthy(s.p("allowReassignment"))) {
              return failed(action + " execute: route exists for a different next hop (set allowReassignment to seize)",
                  "route " + dest + " in " + rt + " targets " + entity, Map.of());
            }
            continue;
          }
          kept.add(r);
        }
        ArrayNode input = toInput(kept);
        ObjectNode mine = input.addObject();
        mine.put("destination", dest);
        mine.put("destinationType", "CIDR_BLOCK");
        mine.put("networkEntityId", hop.id());
        mine.put("description", "routerd CloudEdge SAM mobility");
        cli.run(List.of("network", "route-table", "update", "--rt-id", rt, "--route-rules", JSON.writeValueAsString(input),
            "--force"));
        return ok("routed " + dest + " to " + hop.id() + " in " + rt,
            obs("assignedRoute", dest, "routeTableRef", rt, "nextHopPrivateIP", hop.id()), true);
      } catch (CliException e) {
        return fail("route-table update failed", e, "manage route-tables");
      } catch (IOException e) {
        return failed(action + " execute: encode route rules", e.getMessage(), Map.of());
      }
    }

    @Override
    public ExecuteActionResult unassignRoute() {
      String err = need("routeTableRef", "target.routeTableRef is required", "address", "target.address is required");
      if (err != null) {
        return missing(action, err);
      }
      String rt = s.t("routeTableRef");
      String dest = dest();
      if (dry) {
        try {
          rules(rt);
          return ok("would remove " + dest + " from " + rt, Map.of(), true);
        } catch (CliException e) {
          return fail("route-table get failed", e, "manage route-tables");
        }
      }
      try {
        String mine = "";
        String nextHop = bareIp(s.t("nextHopIPAddress"));
        if (!s.t("nicRef").isEmpty() && !nextHop.isEmpty()) {
          PrivateIp hop = find(list(s.t("nicRef")), nextHop);
          mine = hop == null ? "" : hop.id();
        }
        List<JsonNode> kept = new ArrayList<>();
        JsonNode found = null;
        for (JsonNode r : rules(rt)) {
          if (ruleDest(r).equals(dest)) {
            found = r;
          } else {
            kept.add(r);
          }
        }
        if (found == null) {
          return skipped("no route for " + dest + " in " + rt + "; nothing to remove", Map.of());
        }
        String entity = found.path("network-entity-id").asText("");
        if (!mine.isEmpty() && !entity.equals(mine)) {
          return skipped("route for " + dest + " targets a different next hop (foreign holder); not removing", Map.of());
        }
        cli.run(List.of("network", "route-table", "update", "--rt-id", rt, "--route-rules",
            JSON.writeValueAsString(toInput(kept)), "--force"));
        return ok("removed " + dest + " from " + rt + " (was " + entity + ")", obs("removedRoute", dest), true);
      } catch (CliException e) {
        return fail("route-table update failed", e, "manage route-tables");
      } catch (IOException e) {
        return failed(action + " execute: encode route rules", e.getMessage(), Map.of());
      }
    }
  }
}
