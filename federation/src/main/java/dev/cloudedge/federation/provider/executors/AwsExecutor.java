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
import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bundled {@code aws-executor} (reference §4.9): drives the {@code aws} CLI with routerd's exact
 * argv. Improvements over routerd: an assign whose address turns out to be on the ENI already is
 * a success (verified with {@code describe-network-interfaces}), dry-runs report
 * {@code effectPresent} for crash recovery, and transient failures are classified.
 */
public final class AwsExecutor implements ProviderExecutor {
  /** Authorization patterns (lowercase). */
  static final List<String> AUTH = List.of(
      "unauthorizedoperation", "accessdenied", "access denied", "not authorized", "is not authorized", "authfailure");
  /** routerd's per-call timeout. */
  public static final Duration CALL_TIMEOUT = Duration.ofMillis(25000);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cli cli;

  /** An executor over a CLI (the real {@code aws}, or a test fake). */
  public AwsExecutor(Cli cli) {
    this.cli = cli;
  }

  /**
   * The production CLI: {@code aws} (or {@code AWS_CLI_PATH}) with the executor's environment. When
   * {@code CLOUDEDGE_AWS_ENDPOINT_URL} is set (a VPC interface endpoint, or a local EC2-compatible
   * endpoint in tests), {@code --endpoint-url <url>} is appended to every call; every aws CLI
   * version honours that flag, unlike the newer {@code AWS_ENDPOINT_URL} variable.
   */
  public static Cli processCli(Map<String, String> env) {
    String bin = env.getOrDefault("AWS_CLI_PATH", "").isBlank() ? "aws" : env.get("AWS_CLI_PATH").trim();
    String endpoint = env.getOrDefault("CLOUDEDGE_AWS_ENDPOINT_URL", "").trim();
    List<String> appended = endpoint.isEmpty() ? List.of() : List.of("--endpoint-url", endpoint);
    return new ProcessCli("aws", bin, appended, env, CALL_TIMEOUT, null);
  }

  /** routerd's dry-run guard: only {@code describe-*} verbs reach the CLI in dry-run. */
  static Cli dryRunGuard(Cli inner) {
    return argv -> {
      String verb = argv.size() > 1 ? argv.get(1) : "";
      if (!verb.startsWith("describe-")) {
        throw new CliException("dry-run guard: refusing non-describe aws verb \"" + verb
            + "\" (only describe-* permitted in dry-run)", false);
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

  /** Parsed {@code describe-network-interfaces}. */
  record Eni(boolean sourceDestCheck, List<String> secondaryIps) {}

  static Eni parseEni(String json, String eni) throws CliException {
    try {
      JsonNode n = JSON.readTree(json).path("NetworkInterfaces");
      if (!n.isArray() || n.isEmpty()) {
        throw new CliException("describe-network-interfaces returned no interface for \"" + eni + "\"", false);
      }
      JsonNode first = n.get(0);
      List<String> ips = new ArrayList<>();
      for (JsonNode p : first.path("PrivateIpAddresses")) {
        if (!p.path("Primary").asBoolean(false)) {
          ips.add(p.path("PrivateIpAddress").asText(""));
        }
      }
      return new Eni(first.path("SourceDestCheck").asBoolean(true), ips);
    } catch (IOException e) {
      throw new CliException("decode describe-network-interfaces output: " + e.getMessage(), false);
    }
  }

  /** One route of {@code describe-route-tables}. */
  record Route(String destination, String eni) {}

  static List<Route> parseRoutes(String json) throws CliException {
    try {
      List<Route> out = new ArrayList<>();
      for (JsonNode rt : JSON.readTree(json).path("RouteTables")) {
        for (JsonNode r : rt.path("Routes")) {
          out.add(new Route(r.path("DestinationCidrBlock").asText(""), r.path("NetworkInterfaceId").asText("")));
        }
      }
      return out;
    } catch (IOException e) {
      throw new CliException("decode describe-route-tables output: " + e.getMessage(), false);
    }
  }

  /** One request's context. */
  private static final class Run extends ExecutorRun<RuntimeException> {
    Run(ExecuteActionRequest.Spec s, Cli cli, boolean dry) {
      super(s, cli, dry, AUTH);
    }

    private Eni describe(String eni, String region) throws CliException {
      return parseEni(cli.run(List.of("ec2", "describe-network-interfaces", "--network-interface-ids", eni,
          "--region", region)), eni);
    }

    @Override
    public ExecuteActionResult assignIp() {
      String err = need("nicRef", "target.nicRef (ENI id) is required", "region", "target.region is required",
          "address", "target.address is required");
      if (err != null) {
        return missing(action, err);
      }
      String eni = s.t("nicRef");
      String region = s.t("region");
      String ip = bareIp(s.t("address"));
      boolean seize = truthy(s.p("allowReassignment"));
      if (dry) {
        try {
          Eni e = describe(eni, region);
          Map<String, String> o = obs("currentSecondaryIps", String.join(",", e.secondaryIps()));
          if (e.secondaryIps().contains(ip)) {
            o.put("effectPresent", "true");
          }
          return ok((seize ? "would seize/reassign " : "would assign ") + ip + " to " + eni, o, true);
        } catch (CliException e) {
          return fail("describe failed", e, "ec2:DescribeNetworkInterfaces");
        }
      }
      List<String> argv = new ArrayList<>(List.of("ec2", "assign-private-ip-addresses", "--network-interface-id", eni,
          "--private-ip-addresses", ip, "--region", region));
      if (seize) {
        argv.add("--allow-reassignment");
      }
      try {
        cli.run(argv);
        return ok((seize ? "seized/reassigned " : "assigned ") + ip + " to " + eni, obs("assignedAddress", ip), true);
      } catch (CliException e) {
        ExecuteActionResult f = fail("assign failed", e, "ec2:AssignPrivateIpAddresses");
        if (f.status().observed().containsKey("failureClass")) {
          return f;
        }
        // "Already assigned" is success, but only when the ENI really holds the address.
        try {
          if (describe(eni, region).secondaryIps().contains(ip)) {
            return ok(ip + " already present on " + eni, obs("assignedAddress", ip, "assignAlreadyPresent", "true"),
                true);
          }
        } catch (CliException ignored) {
          // The original assign error is the one worth reporting.
        }
        return f;
      }
    }

    @Override
    public ExecuteActionResult unassignIp() {
      String err = need("nicRef", "target.nicRef (ENI id) is required", "region", "target.region is required",
          "address", "target.address is required");
      if (err != null) {
        return missing(action, err);
      }
      String eni = s.t("nicRef");
      String region = s.t("region");
      String ip = bareIp(s.t("address"));
      if (dry) {
        try {
          Eni e = describe(eni, region);
          Map<String, String> o = obs("currentSecondaryIps", String.join(",", e.secondaryIps()));
          if (!e.secondaryIps().contains(ip)) {
            o.put("effectPresent", "true");
          }
          return ok("would unassign " + ip + " from " + eni, o, true);
        } catch (CliException e) {
          return fail("describe failed", e, "ec2:DescribeNetworkInterfaces");
        }
      }
      try {
        cli.run(List.of("ec2", "unassign-private-ip-addresses", "--network-interface-id", eni,
            "--private-ip-addresses", ip, "--region", region));
        return ok("unassigned " + ip + " from " + eni, obs("unassignedAddress", ip), true);
      } catch (CliException e) {
        String t = e.getMessage().toLowerCase(Locale.ROOT);
        if (t.contains("unassignprivateipaddresses") && t.contains("not assigned to interface")) {
          return ok(ip + " was already absent from " + eni, obs("unassignedAddress", ip, "alreadyAbsent", "true"), true);
        }
        return fail("unassign failed", e, "ec2:UnassignPrivateIpAddresses");
      }
    }

    @Override
    public ExecuteActionResult forwardingEnabled() {
      String err = need("nicRef", "target.nicRef (ENI id) is required", "region", "target.region is required");
      if (err != null) {
        return missing(action, err);
      }
      String eni = s.t("nicRef");
      String region = s.t("region");
      Eni e;
      try {
        e = describe(eni, region);
      } catch (CliException ex) {
        return fail("describe failed", ex, "ec2:DescribeNetworkInterfaces");
      }
      String prior = Boolean.toString(e.sourceDestCheck());
      if (dry) {
        Map<String, String> o = obs("priorSourceDestCheck", prior);
        if (!e.sourceDestCheck()) {
          o.put("effectPresent", "true");
        }
        return ok("would set SourceDestCheck=false", o, true);
      }
      try {
        cli.run(List.of("ec2", "modify-network-interface-attribute", "--network-interface-id", eni,
            "--no-source-dest-check", "--region", region));
        return ok("disabled SourceDestCheck on " + eni + " (prior=" + prior + ")", obs("priorSourceDestCheck", prior),
            true);
      } catch (CliException ex) {
        return cliFailure(action + " " + mode + ": modify failed", ex, "ec2:ModifyNetworkInterfaceAttribute", AUTH,
            obs("priorSourceDestCheck", prior));
      }
    }

    @Override
    public ExecuteActionResult forwardingDisabled() {
      String err = need("nicRef", "target.nicRef (ENI id) is required", "region", "target.region is required");
      if (err != null) {
        return missing(action, err);
      }
      String prior = s.p("priorSourceDestCheck").toLowerCase(Locale.ROOT);
      if (prior.equals("false")) {
        return skipped("prior SourceDestCheck was already false; nothing to restore", obs("priorSourceDestCheck", prior));
      }
      if (!prior.equals("true")) {
        return failed("ensure-forwarding-disabled: missing/invalid priorSourceDestCheck parameter (want true|false)", "",
            Map.of());
      }
      String eni = s.t("nicRef");
      if (dry) {
        return ok("would re-enable SourceDestCheck (restore prior=true)", obs("priorSourceDestCheck", prior), false);
      }
      try {
        cli.run(List.of("ec2", "modify-network-interface-attribute", "--network-interface-id", eni,
            "--source-dest-check", "--region", s.t("region")));
        return ok("re-enabled SourceDestCheck on " + eni + " (restored prior=true)", obs("priorSourceDestCheck", prior),
            false);
      } catch (CliException e) {
        return cliFailure(action + " " + mode + ": modify failed", e, "ec2:ModifyNetworkInterfaceAttribute", AUTH,
            obs("priorSourceDestCheck", prior));
      }
    }

    private List<Route> routes(String rt, String region) throws CliException {
      return parseRoutes(cli.run(List.of("ec2", "describe-route-tables", "--route-table-ids", rt, "--region", region)));
    }

    @Override
    public ExecuteActionResult assignRoute() {
      String err = need("routeTableRef", "target.routeTableRef is required", "nicRef",
          "target.nicRef (ENI id) is required", "region", "target.region is required", "address",
          "target.address is required");
      if (err != null) {
        return missing(action, err);
      }
      String rt = s.t("routeTableRef");
      String eni = s.t("nicRef");
      String region = s.t("region");
      String addr = s.t("address");
      boolean seize = truthy(s.p("allowReassignment"));
      if (dry) {
        try {
          Map<String, String> o = obs();
          for (Route r : routes(rt, region)) {
            if (r.destination().equals(addr) && r.eni().equalsIgnoreCase(eni)) {
              o.put("effectPresent", "true");
            }
          }
          return ok("would route " + addr + " to " + eni + " in " + rt, o, true);
        } catch (CliException e) {
          return fail("describe failed", e, "ec2:DescribeRouteTables");
        }
      }
      List<String> flags = List.of("--route-table-id", rt, "--destination-cidr-block", addr, "--network-interface-id",
          eni, "--region", region);
      Map<String, String> o = obs("assignedRoute", addr, "routeTableRef", rt, "nextHopNICRef", eni);
      if (seize) {
        try {
          cli.run(concat(List.of("ec2", "replace-route"), flags));
          return ok("routed " + addr + " to " + eni + " in " + rt, o, true);
        } catch (CliException replace) {
          try {
            cli.run(concat(List.of("ec2", "create-route"), flags));
            return ok("routed " + addr + " to " + eni + " in " + rt, o, true);
          } catch (CliException create) {
            return cliFailure(action + " execute: replace/create route failed",
                new CliException("replace: " + replace.getMessage() + "; create: " + create.getMessage(),
                    create.timedOut()), "ec2:CreateRoute/ec2:ReplaceRoute", AUTH, Map.of());
          }
        }
      }
      try {
        cli.run(concat(List.of("ec2", "create-route"), flags));
        return ok("routed " + addr + " to " + eni + " in " + rt, o, true);
      } catch (CliException e) {
        return fail("create route failed", e, "ec2:CreateRoute/ec2:ReplaceRoute");
      }
    }

    @Override
    public ExecuteActionResult unassignRoute() {
      String err = need("routeTableRef", "target.routeTableRef is required", "nicRef",
          "target.nicRef (ENI id) is required", "region", "target.region is required", "address",
          "target.address is required");
      if (err != null) {
        return missing(action, err);
      }
      String rt = s.t("routeTableRef");
      String eni = s.t("nicRef");
      String region = s.t("region");
      String addr = s.t("address");
      List<Route> routes;
      try {
        routes = routes(rt, region);
      } catch (CliException e) {
        return fail("describe failed", e, "ec2:DescribeRouteTables");
      }
      Route found = routes.stream().filter(r -> r.destination().equals(addr)).findFirst().orElse(null);
      if (dry) {
        Map<String, String> o = obs();
        if (found == null) {
          o.put("effectPresent", "true");
        }
        return ok("would delete route " + addr + " from " + rt, o, true);
      }
      if (found == null) {
        return skipped("route " + addr + " already absent from " + rt, Map.of());
      }
      if (!found.eni().equalsIgnoreCase(eni)) {
        return skipped("route " + addr + " in " + rt + " is held by " + found.eni() + ", not " + eni
            + "; leaving it intact", Map.of());
      }
      try {
        cli.run(List.of("ec2", "delete-route", "--route-table-id", rt, "--destination-cidr-block", addr, "--region",
            region));
        return ok("deleted route " + addr + " from " + rt, obs("deletedRoute", addr, "routeTableRef", rt), true);
      } catch (CliException e) {
        String t = e.getMessage().toLowerCase(Locale.ROOT);
        if (t.contains("invalidroute.notfound") || t.contains("not found") || t.contains("notfound")) {
          return skipped("route " + addr + " already absent from " + rt, Map.of());
        }
        return fail("delete route failed", e, "ec2:DeleteRoute/ec2:DescribeRouteTables");
      }
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> out = new ArrayList<>(a);
      out.addAll(b);
      return out;
    }
  }
}
