package dev.cloudedge.federation.provider.executors;

import static dev.cloudedge.federation.provider.executors.Results.bareIp;
import static dev.cloudedge.federation.provider.executors.Results.failed;
import static dev.cloudedge.federation.provider.executors.Results.missing;
import static dev.cloudedge.federation.provider.executors.Results.obs;
import static dev.cloudedge.federation.provider.executors.Results.ok;
import static dev.cloudedge.federation.provider.executors.Results.skipped;
import static dev.cloudedge.federation.provider.executors.Results.truthy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundled {@code azure-executor} (reference §4.10): drives {@code az} with routerd's exact argv
 * plus {@code [--debug] --only-show-errors --output json}, bootstraps the managed identity once,
 * retries transient failures of idempotent calls, verifies results, and reports every call in
 * {@code observed.azCalls}.
 */
public final class AzureExecutor implements ProviderExecutor {
  static final List<String> AUTH = List.of(
      "authorizationfailed", "access denied", "not authorized", "does not have authorization", "forbidden");
  static final List<String> LOGIN_REQUIRED = List.of(
      "please run 'az login'", "please run \"az login\"", "az login to setup account", "run az login");
  static final List<String> RETRYABLE = List.of("signal: killed", "timed out", "timeout", "temporary", "throttle",
      "too many requests", "service unavailable", "internal server error", "connection reset", "connection refused",
      "econnreset", "econnrefused");
  static final List<String> CONFLICT = List.of(
      "privateipaddressisinuse", "privateipaddressinuse", "conflict", "already allocated");
  static final String VERIFY_QUERY = "[].{name:name, privateIPAddress: privateIPAddress, privateIpAddress: "
      + "privateIpAddress, privateIpAddressFromProperties: properties.privateIpAddress, privateIPAddressFromProperties: "
      + "properties.privateIPAddress}";
  static final int VERIFY_ATTEMPTS = 5;
  static final Duration VERIFY_DELAY = Duration.ofMillis(500);
  private static final Pattern RATE = Pattern.compile("'?(x-ms-ratelimit-remaining-[A-Za-z0-9-]+)'?\\s*[:=]\\s*'?(\\d+)");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Sleeps between retries and verification attempts (tests may shorten it). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final Cli raw;
  private final Sleeper sleeper;
  private final List<ObjectNode> calls = new ArrayList<>();
  private final Map<String, String> rateLimits = new TreeMap<>();
  private boolean bootstrapped;

  /**
   * @param raw the {@code az} runner (without bootstrap; {@link #processCli} for production)
   * @param sleeper how to wait between attempts
   */
  public AzureExecutor(Cli raw, Sleeper sleeper) {
    this.raw = raw;
    this.sleeper = sleeper;
  }

  /** The per-call timeout from the environment (reference §4.10), default 60s. */
  static Duration commandTimeout(Map<String, String> env) {
    String d = env.getOrDefault("ROUTERD_AZURE_EXECUTOR_COMMAND_TIMEOUT", "").trim();
    if (!d.isEmpty()) {
      try {
        Duration v = GoDuration.parse(d);
        if (!v.isNegative() && !v.isZero()) {
          return v;
        }
      } catch (IllegalArgumentException ignored) {
        // Fall through to the legacy variable and the default, as routerd does.
      }
    }
    String ms = env.getOrDefault("ROUTERD_AZURE_EXECUTOR_COMMAND_TIMEOUT_MS", "").trim();
    try {
      long v = Long.parseLong(ms);
      if (v > 0) {
        return Duration.ofMillis(v);
      }
    } catch (NumberFormatException ignored) {
      // Default below.
    }
    return Duration.ofSeconds(60);
  }

  /** The production runner: {@code az} (or {@code AZURE_CLI_PATH}) with the appended flags; reports calls to {@code listener}. */
  public static ProcessCli processCli(Map<String, String> env, java.util.function.Consumer<ProcessCli.Call> listener) {
    List<String> flags = new ArrayList<>();
    if (truthy(env.getOrDefault("ROUTERD_AZURE_EXECUTOR_AZ_DEBUG", ""))) {
      flags.add("--debug");
    }
    flags.add("--only-show-errors");
    flags.add("--output");
    flags.add("json");
    String bin = env.getOrDefault("AZURE_CLI_PATH", "").isBlank() ? "az" : env.get("AZURE_CLI_PATH").trim();
    return new ProcessCli("az", bin, flags, env, commandTimeout(env), listener);
  }

  /** An executor over the real {@code az} with this process's environment. */
  public static AzureExecutor production(Map<String, String> env) {
    AzureExecutor[] self = new AzureExecutor[1];
    ProcessCli cli = processCli(env, c -> self[0].recordCall(c));
    self[0] = new AzureExecutor(cli, d -> Thread.sleep(d.toMillis()));
    return self[0];
  }

  /** Records one finished call for {@code observed.azCalls} (command, wall time, exit code, stderr tail, rate limits). */
  public synchronized void recordCall(ProcessCli.Call c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("command", String.join(" ", OciExecutor.leading(c.argv())));
    n.put("wallTimeMs", c.wallTimeMs());
    n.put("exitCode", c.exitCode());
    String[] lines = c.stderr().strip().split("\n");
    if (!c.stderr().isBlank()) {
      int from = Math.max(0, lines.length - 8);
      n.put("stderrTail", String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length)));
    }
    Matcher m = RATE.matcher(c.stderr());
    ObjectNode rl = JSON.createObjectNode();
    while (m.find()) {
      rl.put(m.group(1), m.group(2));
      rateLimits.put(m.group(1), m.group(2));
    }
    if (!rl.isEmpty()) {
      n.set("rateLimitRemaining", rl);
    }
    calls.add(n);
  }

  private static boolean has(String text, List<String> patterns) {
    String t = text.toLowerCase(Locale.ROOT);
    return patterns.stream().anyMatch(t::contains);
  }

  private static boolean loginRequired(CliException e) {
    return has(e.getMessage(), LOGIN_REQUIRED);
  }

  private void login() throws CliException {
    try {
      raw.run(List.of("login", "--identity", "--allow-no-subscriptions"));
    } catch (CliException e) {
      throw new CliException("azure managed identity bootstrap: login --identity failed: " + e.getMessage(),
          e.timedOut());
    }
  }

  /** The runner with the identity bootstrap (once per process) and one re-login on a login-required failure. */
  private String withIdentity(List<String> argv) throws CliException {
    if (!bootstrapped) {
      try {
        raw.run(List.of("account", "show"));
      } catch (CliException e) {
        if (!loginRequired(e)) {
          throw new CliException("azure managed identity bootstrap: account show failed: " + e.getMessage(),
              e.timedOut());
        }
        login();
      }
      bootstrapped = true;
    }
    try {
      return raw.run(argv);
    } catch (CliException e) {
      if (!loginRequired(e)) {
        throw e;
      }
      login();
      return raw.run(argv);
    }
  }

  /** Whether a call may be retried: reads, and ip-config / route create, delete, update (never {@code nic update}). */
  static boolean retryableCall(List<String> argv) {
    List<String> lead = OciExecutor.leading(argv);
    String last = lead.isEmpty() ? "" : lead.get(lead.size() - 1);
    if (last.equals("show") || last.equals("list") || last.endsWith("-show") || last.endsWith("-list")) {
      return true;
    }
    String joined = String.join(" ", lead);
    return joined.startsWith("network nic ip-config ") || joined.startsWith("network route-table route ");
  }

  private Cli withRetry(Cli inner) {
    return argv -> {
      int attempts = retryableCall(argv) ? 3 : 1;
      Duration[] delays = {Duration.ofMillis(250), Duration.ofMillis(500)};
      for (int i = 1; ; i++) {
        try {
          return inner.run(argv);
        } catch (CliException e) {
          if (i >= attempts || !(e.timedOut() || has(e.getMessage(), RETRYABLE))) {
            throw e;
          }
          try {
            sleeper.sleep(delays[i - 1]);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    };
  }

  /** routerd's dry-run guard: the last leading non-flag token must be show/list (or end in -show/-list). */
  static Cli dryRunGuard(Cli inner) {
    return argv -> {
      List<String> lead = OciExecutor.leading(argv);
      String last = lead.isEmpty() ? "" : lead.get(lead.size() - 1);
      if (!(last.equals("show") || last.equals("list") || last.endsWith("-show") || last.endsWith("-list"))) {
        throw new CliException("dry-run guard: refusing non-read-only az command \"" + String.join(" ", lead)
            + "\" (only *show/*list permitted in dry-run)", false);
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
    Cli cli = withRetry(this::withIdentity);
    if (mode.equals("dry-run")) {
      cli = dryRunGuard(cli);
    }
    Run r = new Run(s, cli, mode.equals("dry-run"));
    ExecuteActionResult res;
    try {
      res = ActionOps.dispatch(s, r);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      res = failed(s.action() + " " + mode + ": interrupted", "interrupted", Map.of());
    }
    return withCalls(res);
  }

  private synchronized ExecuteActionResult withCalls(ExecuteActionResult res) {
    ExecuteActionResult.Status st = res.status();
    Map<String, String> o = new TreeMap<>(st.observed());
    o.put("azCallCount", Integer.toString(calls.size()));
    ArrayNode arr = JSON.createArrayNode();
    calls.forEach(arr::add);
    try {
      o.put("azCalls", JSON.writeValueAsString(arr));
      if (!rateLimits.isEmpty()) {
        o.put("azRateLimitRemaining", JSON.writeValueAsString(rateLimits));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return ExecuteActionResult.of(st.status(), st.message(), o, st.undoAvailable(), st.error());
  }

  /** One ip-configuration of a NIC. */
  record IpConfig(String nicName, String resourceGroup, String nicId, String name, String address) {}

  static String address(JsonNode c) {
    for (String k : List.of("privateIPAddress", "privateIpAddress", "privateIpAddressFromProperties",
        "privateIPAddressFromProperties")) {
      String v = c.path(k).asText("");
      if (!v.isEmpty()) {
        return v;
      }
    }
    for (String k : List.of("privateIPAddress", "privateIpAddress")) {
      String v = c.path("properties").path(k).asText("");
      if (!v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  /** Parses {@code nic show} (one NIC) into its ip-configurations. */
  static List<IpConfig> nicConfigs(JsonNode nic) {
    List<IpConfig> out = new ArrayList<>();
    for (JsonNode c : nic.path("ipConfigurations")) {
      out.add(new IpConfig(nic.path("name").asText(""), nic.path("resourceGroup").asText(""), nic.path("id").asText(""),
          c.path("name").asText(""), address(c)));
    }
    return out;
  }

  /** The path segment after {@code key} in an Azure resource id, or empty. */
  static String segment(String id, String key) {
    String[] parts = id.split("/");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equalsIgnoreCase(key)) {
        return parts[i + 1];
      }
    }
    return "";
  }

  private final class Run extends ExecutorRun<InterruptedException> {
    final String nicRef;
    final String rg;
    final String nic;

    Run(ExecuteActionRequest.Spec s, Cli cli, boolean dry) {
      super(s, cli, dry, AUTH);
      this.nicRef = s.t("nicRef");
      String g = s.t("resourceGroup");
      this.rg = g.isEmpty() ? segment(nicRef, "resourceGroups") : g;
      String n = s.t("nicName");
      this.nic = n.isEmpty() ? (nicRef.contains("/") ? segment(nicRef, "networkInterfaces") : nicRef) : n;
    }

    private JsonNode json(String out) throws CliException {
      try {
        JsonNode n = JSON.readTree(out.isBlank() ? "null" : out);
        return n == null ? JSON.nullNode() : n;
      } catch (IOException e) {
        throw new CliException("decode az output: " + e.getMessage(), false);
      }
    }

    private List<IpConfig> showSelf() throws CliException {
      return nicConfigs(json(cli.run(List.of("network", "nic", "show", "--ids", nicRef))));
    }

    private IpConfig holding(List<IpConfig> cfgs, String ip) {
      return cfgs.stream().filter(c -> bareIp(c.address()).equals(ip)).findFirst().orElse(null);
    }

    private String secondaryIpMissing() {
      if (nicRef.isEmpty()) {
        return "target.nicRef (NIC resource id) is required";
      }
      if (rg.isEmpty()) {
        return "target.resourceGroup is required";
      }
      if (nic.isEmpty()) {
        return "target.nicName is required";
      }
      if (s.t("ipConfigName").isEmpty()) {
        return "target.ipConfigName is required";
      }
      if (s.t("address").isEmpty()) {
        return "target.address is required";
      }
      return null;
    }

    /** Finds who holds {@code ip}: the displaced hint NIC when given, else every NIC of the resource group. */
    private IpConfig discoverHolder(String ip) throws CliException {
      String hrg = s.t("displacedResourceGroup").isEmpty() ? rg : s.t("displacedResourceGroup");
      String hnic = s.t("displacedNicName");
      if (hnic.isEmpty() && !s.t("displacedNicRef").isEmpty()) {
        hnic = segment(s.t("displacedNicRef"), "networkInterfaces");
      }
      if (!hnic.isEmpty()) {
        for (JsonNode c : json(cli.run(List.of("network", "nic", "ip-config", "list", "--resource-group", hrg,
            "--nic-name", hnic)))) {
          if (bareIp(address(c)).equals(ip)) {
            return new IpConfig(hnic, hrg, "", c.path("name").asText(""), address(c));
          }
        }
      }
      for (JsonNode n : json(cli.run(List.of("network", "nic", "list", "--resource-group", rg)))) {
        IpConfig h = holding(nicConfigs(n), ip);
        if (h != null) {
          return new IpConfig(h.nicName(), h.resourceGroup().isEmpty() ? rg : h.resourceGroup(), h.nicId(), h.name(),
              h.address());
        }
      }
      return null;
    }

    private boolean isSelf(IpConfig h) {
      return h.nicName().equalsIgnoreCase(nic) && (h.resourceGroup().isEmpty() || h.resourceGroup().equalsIgnoreCase(rg));
    }

    private IpConfig verifySelf(String ip) throws CliException, InterruptedException {
      for (int i = 0; i < VERIFY_ATTEMPTS; i++) {
        if (i > 0) {
          sleeper.sleep(VERIFY_DELAY);
        }
        IpConfig h = holding(showSelf(), ip);
        if (h != null) {
          return h;
        }
      }
      return null;
    }

    @Override
    public ExecuteActionResult assignIp() throws InterruptedException {
      String err = secondaryIpMissing();
      if (err != null) {
        return missing(action, err);
      }
      String ip = bareIp(s.t("address"));
      String cfg = s.t("ipConfigName");
      boolean seize = truthy(s.p("allowReassignment"));
      if (dry) {
        try {
          IpConfig h = holding(showSelf(), ip);
          return ok((seize ? "would seize/reassign " : "would assign ") + ip + " to " + nic,
              h != null ? obs("effectPresent", "true") : Map.of(), true);
        } catch (CliException e) {
          return fail("nic show failed", e, "Microsoft.Network/networkInterfaces/read");
        }
      }
      if (seize) {
        return seize(ip, cfg);
      }
      try {
        cli.run(List.of("network", "nic", "ip-config", "create", "--resource-group", rg, "--nic-name", nic, "--name", cfg,
            "--private-ip-address", ip));
        return ok("assigned " + ip + " to " + nic + " (ip-config " + cfg + ")",
            obs("assignedAddress", ip, "ipConfigName", cfg), true);
      } catch (CliException e) {
        String t = e.getMessage().toLowerCase(Locale.ROOT);
        try {
          if (t.contains("already exists") || t.contains("alreadyexists")) {
            IpConfig h = verifySelf(ip);
            if (h != null) {
              return ok("assigned " + ip + " to " + nic + " (already present as ip-config " + h.name() + ")",
                  obs("assignedAddress", ip, "ipConfigName", h.name(), "assignAlreadyPresent", "true"), true);
            }
          } else if (has(t, CONFLICT) || (t.contains("private ip address") && t.contains("in use"))) {
            IpConfig h = discoverHolder(ip);
            if (h == null) {
              return failed("assign-secondary-ip execute: ip-config create conflict but no displaced holder found",
                  e.getMessage(), Map.of());
            }
            if (isSelf(h)) {
              return ok("assigned " + ip + " to " + nic + " (already present as ip-config " + h.name() + ")",
                  obs("assignedAddress", ip, "ipConfigName", h.name(), "assignAlreadyPresent", "true"), true);
            }
            return failed("assign-secondary-ip execute: address held by another target", e.getMessage(),
                obs("failureClass", "addressHeldByAnotherTarget", "addressHeldByAnotherTarget", "true",
                    "observedHolderResourceGroup", h.resourceGroup(), "observedHolderNIC", h.nicName(),
                    "observedHolderIPConfig", h.name()));
          }
        } catch (CliException verify) {
          // Report the create error below; the verification could not tell.
        }
        return fail("assign failed", e, "Microsoft.Network/networkInterfaces/write");
      }
    }

    private ExecuteActionResult seize(String ip, String cfg) throws InterruptedException {
      try {
        IpConfig mine = holding(showSelf(), ip);
        if (mine != null) {
          return ok("seized/reassigned " + ip + " to " + nic + " (already present as ip-config " + mine.name() + ")",
              obs("assignedAddress", ip, "ipConfigName", mine.name(), "seizeAlreadyPresent", "true"), true);
        }
      } catch (CliException e) {
        return fail("nic show failed", e, "Microsoft.Network/networkInterfaces/read");
      }
      Map<String, String> o = obs("assignedAddress", ip, "ipConfigName", cfg);
      try {
        IpConfig h = discoverHolder(ip);
        if (h != null && !isSelf(h)) {
          try {
            cli.run(List.of("network", "nic", "ip-config", "delete", "--resource-group", h.resourceGroup(), "--nic-name",
                h.nicName(), "--name", h.name()));
          } catch (CliException e) {
            if (!has(e.getMessage(), List.of("not found", "notfound", "could not be found"))) {
              throw e;
            }
          }
          o.put("displacedResourceGroup", h.resourceGroup());
          o.put("displacedNIC", h.nicName());
          o.put("displacedIPConfig", h.name());
        }
        cli.run(List.of("network", "nic", "ip-config", "create", "--resource-group", rg, "--nic-name", nic, "--name", cfg,
            "--private-ip-address", ip));
        for (int i = 0; i < VERIFY_ATTEMPTS; i++) {
          if (i > 0) {
            sleeper.sleep(VERIFY_DELAY);
          }
          for (JsonNode c : json(cli.run(List.of("network", "nic", "ip-config", "list", "--resource-group", rg,
              "--nic-name", nic, "--query", VERIFY_QUERY)))) {
            if (bareIp(address(c)).equals(ip)) {
              return ok("seized/reassigned " + ip + " to " + nic + " (ip-config " + cfg + ")", o, true);
            }
          }
        }
        return failed("assign-secondary-ip execute: seize not verified",
            ip + " not observed on " + nic + " after " + VERIFY_ATTEMPTS + " attempts", o);
      } catch (CliException e) {
        return fail("seize failed", e, "Microsoft.Network/networkInterfaces/write");
      }
    }

    @Override
    public ExecuteActionResult unassignIp() throws InterruptedException {
      String err = secondaryIpMissing();
      if (err != null) {
        return missing(action, err);
      }
      String ip = bareIp(s.t("address"));
      String cfg = s.t("ipConfigName");
      if (dry) {
        try {
          IpConfig h = holding(showSelf(), ip);
          return ok("would unassign ip-config " + cfg + " from " + nic,
              h == null ? obs("effectPresent", "true") : Map.of(), true);
        } catch (CliException e) {
          return fail("nic show failed", e, "Microsoft.Network/networkInterfaces/read");
        }
      }
      try {
        try {
          cli.run(List.of("network", "nic", "ip-config", "delete", "--resource-group", rg, "--nic-name", nic, "--name",
              cfg));
        } catch (CliException e) {
          if (!has(e.getMessage(), List.of("not found", "notfound", "could not be found"))) {
            throw e;
          }
          IpConfig h = holding(showSelf(), ip);
          if (h == null) {
            return ok("ip-config " + cfg + " already absent from " + nic, obs("alreadyAbsent", "true"), true);
          }
          cli.run(List.of("network", "nic", "ip-config", "delete", "--resource-group", rg, "--nic-name", nic, "--name",
              h.name()));
          cfg = h.name();
        }
        for (int i = 0; i < VERIFY_ATTEMPTS; i++) {
          if (i > 0) {
            sleeper.sleep(VERIFY_DELAY);
          }
          if (holding(showSelf(), ip) == null) {
            return ok("unassigned ip-config " + cfg + " from " + nic, obs("unassignedAddress", ip, "ipConfigName", cfg),
                true);
          }
        }
        return failed("unassign-secondary-ip execute: unassign not verified",
            ip + " still observed on " + nic + " after " + VERIFY_ATTEMPTS + " attempts", Map.of());
      } catch (CliException e) {
        return fail("unassign failed", e, "Microsoft.Network/networkInterfaces/write");
      }
    }

    @Override
    public ExecuteActionResult forwardingEnabled() {
      if (nicRef.isEmpty()) {
        return missing(action, "target.nicRef (NIC resource id) is required");
      }
      String prior;
      try {
        prior = Boolean.toString(json(cli.run(List.of("network", "nic", "show", "--ids", nicRef)))
            .path("enableIPForwarding").asBoolean(false));
      } catch (CliException e) {
        return fail("nic show failed", e, "Microsoft.Network/networkInterfaces/read");
      }
      if (dry) {
        Map<String, String> o = obs("priorIpForwarding", prior);
        if (prior.equals("true")) {
          o.put("effectPresent", "true");
        }
        return ok("would set ipForwarding=true", o, true);
      }
      try {
        cli.run(List.of("network", "nic", "update", "--ids", nicRef, "--ip-forwarding", "true"));
        return ok("set ipForwarding=true on " + nicRef + " (prior=" + prior + ")", obs("priorIpForwarding", prior), true);
      } catch (CliException e) {
        return Results.cliFailure(action + " execute: nic update failed", e, "Microsoft.Network/networkInterfaces/write",
            AUTH, obs("priorIpForwarding", prior));
      }
    }

    @Override
    public ExecuteActionResult forwardingDisabled() {
      if (nicRef.isEmpty()) {
        return missing(action, "target.nicRef (NIC resource id) is required");
      }
      String prior = s.p("priorIpForwarding").toLowerCase(Locale.ROOT);
      if (prior.equals("true")) {
        return skipped("prior ipForwarding was already true; nothing to restore", obs("priorIpForwarding", prior));
      }
      if (!prior.equals("false")) {
        return failed("ensure-forwarding-disabled: missing/invalid priorIpForwarding parameter (want true|false)", "",
            Map.of());
      }
      if (dry) {
        return ok("would set ipForwarding=false (restore prior=false)", obs("priorIpForwarding", prior), false);
      }
      try {
        cli.run(List.of("network", "nic", "update", "--ids", nicRef, "--ip-forwarding", "false"));
        return ok("set ipForwarding=false on " + nicRef + " (restored prior=false)", obs("priorIpForwarding", prior),
            false);
      } catch (CliException e) {
        return Results.cliFailure(action + " execute: nic update failed", e, "Microsoft.Network/networkInterfaces/write",
            AUTH, obs("priorIpForwarding", prior));
      }
    }

    private String rtName() {
      String n = s.t("routeTableName");
      if (!n.isEmpty()) {
        return n;
      }
      String ref = s.t("routeTableRef");
      return ref.contains("/") ? ref.substring(ref.lastIndexOf('/') + 1) : ref;
    }

    private String routeMissing() {
      if (rg.isEmpty()) {
        return "target.resourceGroup is required";
      }
      if (rtName().isEmpty()) {
        return "target.routeTableName or target.routeTableRef is required";
      }
      if (s.t("routeName").isEmpty()) {
        return "target.routeName is required";
      }
      if (s.t("address").isEmpty()) {
        return "target.address is required";
      }
      if (s.t("nextHopIPAddress").isEmpty()) {
        return "target.nextHopIPAddress is required";
      }
      return null;
    }

    private JsonNode routeShow(String rt, String route) throws CliException {
      try {
        return json(cli.run(List.of("network", "route-table", "route", "show", "--resource-group", rg,
            "--route-table-name", rt, "--name", route)));
      } catch (CliException e) {
        if (has(e.getMessage(), List.of("not found", "notfound", "could not be found"))) {
          return null;
        }
        throw e;
      }
    }

    @Override
    public ExecuteActionResult assignRoute() {
      String err = routeMissing();
      if (err != null) {
        return missing(action, err);
      }
      String rt = rtName();
      String route = s.t("routeName");
      String addr = s.t("address");
      String hop = bareIp(s.t("nextHopIPAddress"));
      if (dry) {
        try {
          cli.run(List.of("network", "route-table", "show", "--resource-group", rg, "--name", rt));
          return ok("would route " + addr + " to " + hop + " in " + rt, Map.of(), true);
        } catch (CliException e) {
          return fail("route-table show failed", e, "Microsoft.Network/routeTables/routes/read");
        }
      }
      Map<String, String> o = obs("assignedRoute", addr, "routeTableRef", rt, "nextHopIPAddress", hop);
      List<String> create = List.of("network", "route-table", "route", "create", "--resource-group", rg,
          "--route-table-name", rt, "--name", route, "--address-prefix", addr, "--next-hop-type", "VirtualAppliance",
          "--next-hop-ip-address", hop);
      try {
        if (truthy(s.p("allowReassignment"))) {
          try {
            cli.run(List.of("network", "route-table", "route", "update", "--resource-group", rg, "--route-table-name", rt,
                "--name", route, "--set", "addressPrefix=" + addr, "nextHopType=VirtualAppliance",
                "nextHopIpAddress=" + hop));
          } catch (CliException e) {
            if (!has(e.getMessage(), List.of("not found", "notfound", "could not be found"))) {
              throw e;
            }
            cli.run(create);
          }
          return ok("routed " + addr + " to " + hop + " in " + rt, o, true);
        }
        try {
          cli.run(create);
        } catch (CliException e) {
          String t = e.getMessage().toLowerCase(Locale.ROOT);
          if (!(t.contains("already exists") || t.contains("alreadyexists"))) {
            throw e;
          }
          JsonNode r = routeShow(rt, route);
          String have = r == null ? "" : r.path("nextHopIpAddress").asText(r.path("nextHopIPAddress").asText(""));
          if (!have.equals(hop)) {
            return failed("assign-route-table-route execute: route already exists with next hop " + have + ", not " + hop,
                e.getMessage(), Map.of());
          }
        }
        return ok("routed " + addr + " to " + hop + " in " + rt, o, true);
      } catch (CliException e) {
        return fail("route create failed", e, "Microsoft.Network/routeTables/routes/write");
      }
    }

    @Override
    public ExecuteActionResult unassignRoute() {
      String err = routeMissing();
      if (err != null) {
        return missing(action, err);
      }
      String rt = rtName();
      String route = s.t("routeName");
      String addr = s.t("address");
      String hop = bareIp(s.t("nextHopIPAddress"));
      if (dry) {
        try {
          cli.run(List.of("network", "route-table", "show", "--resource-group", rg, "--name", rt));
          return ok("would delete route " + addr + " from " + rt, Map.of(), true);
        } catch (CliException e) {
          return fail("route-table show failed", e, "Microsoft.Network/routeTables/routes/read");
        }
      }
      try {
        JsonNode r = routeShow(rt, route);
        if (r == null || r.isNull()) {
          return skipped("route " + route + " already absent from " + rt, Map.of());
        }
        String have = r.path("nextHopIpAddress").asText(r.path("nextHopIPAddress").asText(""));
        if (!have.equals(hop)) {
          return skipped("route " + route + " in " + rt + " is held by " + have + ", not " + hop + "; leaving it intact",
              Map.of());
        }
        cli.run(List.of("network", "route-table", "route", "delete", "--resource-group", rg, "--route-table-name", rt,
            "--name", route, "--yes"));
        return ok("deleted route " + addr + " from " + rt, obs("deletedRoute", addr, "routeTableRef", rt), true);
      } catch (CliException e) {
        return fail("route delete failed", e, "Microsoft.Network/routeTables/routes/delete");
      }
    }
  }
}
