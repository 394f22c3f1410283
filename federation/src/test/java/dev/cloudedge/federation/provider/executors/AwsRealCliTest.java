package dev.cloudedge.federation.provider.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS executor driving the REAL {@code aws} CLI (aws-cli v1 or v2) against {@link Ec2Endpoint} on
 * 127.0.0.1: proves that the argv the executor builds is accepted by the real tool, maps to the
 * intended EC2 API calls and parameters, and that the executor parses the tool's real output and
 * error text. Dummy credentials live in a temp AWS config; instance metadata is disabled, so nothing
 * leaves the loopback interface. Skipped only when no {@code aws} is installed (CI installs it).
 */
class AwsRealCliTest {
  @TempDir Path tmp;
  Ec2Endpoint ec2;
  Map<String, String> env;

  static String findAws() throws Exception {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = dir.isEmpty() ? null : Path.of(dir, "aws");
      if (p != null && Files.isExecutable(p)) {
        return unshim(p);
      }
    }
    return null;
  }

  /** A pyenv shim costs ~1 s per call; the tool it points at is the same aws CLI, so use it directly. */
  static String unshim(Path aws) throws Exception {
    String text = Files.size(aws) < 4096 ? Files.readString(aws) : "";
    Path pyenv = aws.getParent().getParent().resolve("libexec").resolve("pyenv");
    if (!text.contains("pyenv exec") || !Files.isExecutable(pyenv)) {
      return aws.toString();
    }
    Process p = new ProcessBuilder(pyenv.toString(), "which", "aws").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    return p.waitFor() == 0 && Files.isExecutable(Path.of(out)) ? out : aws.toString();
  }

  @BeforeEach
  void setUp() throws Exception {
    String aws = findAws();
    assumeTrue(aws != null, "the aws CLI is not installed");
    ec2 = new Ec2Endpoint();
    ec2.enis.put("eni-0904ccbed8d383f65", new Ec2Endpoint.Eni("10.88.60.4"));
    ec2.enis.put("eni-other", new Ec2Endpoint.Eni("10.88.60.5"));
    ec2.routeTables.put("rtb-1", new TreeMap<>(Map.of("10.88.0.0/16", "local")));
    Path config = tmp.resolve("aws-config");
    Files.writeString(config, "[default]\nregion = ap-northeast-1\noutput = json\n");
    Path creds = tmp.resolve("aws-credentials");
    Files.writeString(creds, "[default]\naws_access_key_id = AKIDCLOUDEDGETEST\naws_secret_access_key = not-a-secret\n");
    env = new TreeMap<>();
    // Exactly what a Plugin's spec.env would give the executor, plus the PATH the engine passes.
    env.put("PATH", Path.of(aws).getParent() + ":/usr/local/bin:/usr/bin:/bin");
    env.put("HOME", tmp.toString());
    env.put("AWS_CONFIG_FILE", config.toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", creds.toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_MAX_ATTEMPTS", "1");
    env.put("AWS_PAGER", "");
    env.put("CLOUDEDGE_AWS_ENDPOINT_URL", ec2.url());
  }

  @AfterEach
  void tearDown() {
    if (ec2 != null) {
      ec2.close();
    }
  }

  ExecuteActionResult.Status run(String action, String mode, Map<String, String> target, Map<String, String> params) {
    return new AwsExecutor(AwsExecutor.processCli(env)).execute(new ExecuteActionRequest.Spec(action, "aws", "aws-tokyo",
        target, params, mode, "k1", Map.of())).status();
  }

  static final Map<String, String> T = Map.of("nicRef", "eni-0904ccbed8d383f65", "address", "10.88.60.9/32",
      "region", "ap-northeast-1");

  @Test
  void assignDryRunExecuteAlreadyAssignedAndUnassign() {
    ExecuteActionResult.Status dry = run("assign-secondary-ip", "dry-run", T, Map.of());
    assertEquals("succeeded", dry.status(), dry.error());
    assertEquals("would assign 10.88.60.9 to eni-0904ccbed8d383f65", dry.message());
    assertEquals("", dry.observed().get("currentSecondaryIps"));
    assertEquals(List.of("DescribeNetworkInterfaces"), ec2.actions());
    assertEquals("eni-0904ccbed8d383f65", ec2.requests.get(0).get("NetworkInterfaceId.1"));
    assertTrue(ec2.authorizations.get(0).contains("Credential=AKIDCLOUDEDGETEST/"), ec2.authorizations.get(0));

    ExecuteActionResult.Status s = run("assign-secondary-ip", "execute", T, Map.of());
    assertEquals("succeeded", s.status(), s.error());
    assertEquals("assigned 10.88.60.9 to eni-0904ccbed8d383f65", s.message());
    assertEquals(List.of("10.88.60.9"), ec2.enis.get("eni-0904ccbed8d383f65").secondary);
    Map<String, String> req = ec2.requests.get(1);
    assertEquals("AssignPrivateIpAddresses", req.get("Action"));
    assertEquals("10.88.60.9", req.get("PrivateIpAddress.1"));
    assertFalse(req.containsKey("AllowReassignment"));

    // Second assign: EC2 says already assigned; the executor verifies with describe and succeeds.
    ExecuteActionResult.Status again = run("assign-secondary-ip", "execute", T, Map.of());
    assertEquals("succeeded", again.status(), again.error());
    assertEquals("10.88.60.9 already present on eni-0904ccbed8d383f65", again.message());
    ExecuteActionResult.Status present = run("assign-secondary-ip", "dry-run", T, Map.of());
    assertEquals("true", present.observed().get("effectPresent"));
    assertEquals("10.88.60.9", present.observed().get("currentSecondaryIps"));

    ExecuteActionResult.Status un = run("unassign-secondary-ip", "execute", T, Map.of());
    assertEquals("unassigned 10.88.60.9 from eni-0904ccbed8d383f65", un.message());
    ExecuteActionResult.Status absent = run("unassign-secondary-ip", "execute", T, Map.of());
    assertEquals("succeeded", absent.status(), absent.error());
    assertEquals("10.88.60.9 was already absent from eni-0904ccbed8d383f65", absent.message());
  }

  @Test
  void seizeFromAnotherEniNeedsAllowReassignment() {
    ec2.enis.get("eni-other").secondary.add("10.88.60.9");
    ExecuteActionResult.Status inUse = run("assign-secondary-ip", "execute", T, Map.of());
    assertEquals("failed", inUse.status());
    assertEquals("assign-secondary-ip execute: assign failed", inUse.message());
    assertTrue(inUse.error().contains("InvalidIPAddress.InUse"), inUse.error());
    ExecuteActionResult.Status seized = run("assign-secondary-ip", "execute", T, Map.of("allowReassignment", "true"));
    assertEquals("seized/reassigned 10.88.60.9 to eni-0904ccbed8d383f65", seized.message());
    assertEquals("true", ec2.requests.get(ec2.requests.size() - 1).get("AllowReassignment"));
    assertTrue(ec2.enis.get("eni-other").secondary.isEmpty());
  }

  @Test
  void forwardingPriorAndRestore() {
    Map<String, String> t = Map.of("nicRef", "eni-0904ccbed8d383f65", "region", "ap-northeast-1");
    ExecuteActionResult.Status s = run("ensure-forwarding-enabled", "execute", t, Map.of());
    assertEquals("disabled SourceDestCheck on eni-0904ccbed8d383f65 (prior=true)", s.message(), s.error());
    assertEquals("true", s.observed().get("priorSourceDestCheck"));
    assertFalse(ec2.enis.get("eni-0904ccbed8d383f65").sourceDestCheck);
    assertEquals("false", ec2.requests.get(1).get("SourceDestCheck.Value"));
    ExecuteActionResult.Status undo = run("ensure-forwarding-disabled", "execute", t,
        Map.of("priorSourceDestCheck", "true"));
    assertEquals("re-enabled SourceDestCheck on eni-0904ccbed8d383f65 (restored prior=true)", undo.message(),
        undo.error());
    assertTrue(ec2.enis.get("eni-0904ccbed8d383f65").sourceDestCheck);
  }

  @Test
  void unauthorizedOperationIsClassified() {
    ec2.denied.add("AssignPrivateIpAddresses");
    ExecuteActionResult.Status s = run("assign-secondary-ip", "execute", T, Map.of());
    assertEquals("failed", s.status());
    assertEquals("authorization", s.observed().get("failureClass"), s.error());
    assertEquals("ec2:AssignPrivateIpAddresses", s.observed().get("permissionHint"));
    assertTrue(s.error().contains("UnauthorizedOperation"), s.error());
    assertFalse(s.error().contains("not-a-secret"));
  }

  @Test
  void routeTableAssignAndDelete() {
    Map<String, String> t = Map.of("nicRef", "eni-0904ccbed8d383f65", "address", "10.88.60.9/32", "region",
        "ap-northeast-1", "routeTableRef", "rtb-1");
    ExecuteActionResult.Status s = run("assign-route-table-route", "execute", t, Map.of());
    assertEquals("routed 10.88.60.9/32 to eni-0904ccbed8d383f65 in rtb-1", s.message(), s.error());
    assertEquals("eni-0904ccbed8d383f65", ec2.routeTables.get("rtb-1").get("10.88.60.9/32"));
    ExecuteActionResult.Status un = run("unassign-route-table-route", "execute", t, Map.of());
    assertEquals("deleted route 10.88.60.9/32 from rtb-1", un.message(), un.error());
    ExecuteActionResult.Status gone = run("unassign-route-table-route", "execute", t, Map.of());
    assertEquals("skipped", gone.status());
    assertEquals("route 10.88.60.9/32 already absent from rtb-1", gone.message());
  }
}
