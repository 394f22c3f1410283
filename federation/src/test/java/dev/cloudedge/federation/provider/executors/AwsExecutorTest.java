package dev.cloudedge.federation.provider.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AWS executor against a fake {@code aws} executable: exact argv, realistic outputs and errors. */
class AwsExecutorTest {
  @TempDir Path tmp;
  FakeCli aws;

  static final Map<String, String> TARGET = Map.of("nicRef", "eni-1", "address", "10.88.60.9/32", "region",
      "ap-northeast-1");
  static final String ENI = """
      {
          "NetworkInterfaces": [
              {
                  "Description": "router",
                  "NetworkInterfaceId": "eni-1",
                  "PrivateIpAddress": "10.88.60.4",
                  "PrivateIpAddresses": [
                      {"Primary": true, "PrivateIpAddress": "10.88.60.4"},
                      {"Primary": false, "PrivateIpAddress": "10.88.60.7"}
                  ],
                  "SourceDestCheck": true,
                  "Status": "in-use"
              }
          ]
      }
      """;
  static final String DENIED = "\nAn error occurred (UnauthorizedOperation) when calling the AssignPrivateIpAddresses "
      + "operation: You are not authorized to perform this operation. Encoded authorization failure message: AbC\n";

  @BeforeEach
  void setUp() throws Exception {
    aws = new FakeCli(tmp.resolve("aws"), "aws");
  }

  AwsExecutor executor() {
    return new AwsExecutor(AwsExecutor.processCli(Map.of("PATH", "/usr/bin:/bin", "AWS_CLI_PATH", aws.exe.toString())));
  }

  static ExecuteActionRequest.Spec spec(String action, String mode, Map<String, String> target,
      Map<String, String> params) {
    return new ExecuteActionRequest.Spec(action, "aws", "aws-tokyo", target, params, mode, "k1", Map.of());
  }

  @Test
  void assignExecuteIssuesExactlyOneCall() throws Exception {
    aws.on("ec2 assign-private-ip-addresses *", "");
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals(List.of("ec2 assign-private-ip-addresses --network-interface-id eni-1 --private-ip-addresses "
        + "10.88.60.9 --region ap-northeast-1"), aws.calls());
    assertEquals("succeeded", s.status());
    assertEquals("assigned 10.88.60.9 to eni-1", s.message());
    assertEquals(Map.of("assignedAddress", "10.88.60.9"), s.observed());
    assertTrue(s.undoAvailable());
  }

  @Test
  void assignWithReassignmentAppendsTheFlag() throws Exception {
    aws.on("ec2 assign-private-ip-addresses *", "");
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET,
        Map.of("allowReassignment", "YES"))).status();
    assertEquals(List.of("ec2 assign-private-ip-addresses --network-interface-id eni-1 --private-ip-addresses "
        + "10.88.60.9 --region ap-northeast-1 --allow-reassignment"), aws.calls());
    assertEquals("seized/reassigned 10.88.60.9 to eni-1", s.message());
  }

  @Test
  void dryRunOnlyDescribesAndReportsCurrentIps() throws Exception {
    aws.on("ec2 describe-network-interfaces *", ENI);
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "dry-run", TARGET, Map.of())).status();
    assertEquals(List.of("ec2 describe-network-interfaces --network-interface-ids eni-1 --region ap-northeast-1"),
        aws.calls());
    assertEquals("would assign 10.88.60.9 to eni-1", s.message());
    assertEquals(Map.of("currentSecondaryIps", "10.88.60.7"), s.observed());
    CliException e = assertThrows(CliException.class, () -> AwsExecutor.dryRunGuard(argv -> "")
        .run(List.of("ec2", "assign-private-ip-addresses", "--network-interface-id", "eni-1")));
    assertEquals("dry-run guard: refusing non-describe aws verb \"assign-private-ip-addresses\" (only describe-* "
        + "permitted in dry-run)", e.getMessage());
  }

  @Test
  void alreadyAssignedIsSuccessWhenTheEniHoldsIt() throws Exception {
    aws.fail("ec2 assign-private-ip-addresses *", "\nAn error occurred (InvalidParameterValue) when calling the "
        + "AssignPrivateIpAddresses operation: The address 10.88.60.7 is already assigned to this interface\n", 255);
    aws.on("ec2 describe-network-interfaces *", ENI);
    Map<String, String> t = Map.of("nicRef", "eni-1", "address", "10.88.60.7/32", "region", "ap-northeast-1");
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", t, Map.of())).status();
    assertEquals("succeeded", s.status());
    assertEquals("10.88.60.7 already present on eni-1", s.message());
    assertEquals("true", s.observed().get("assignAlreadyPresent"));
    assertEquals(2, aws.calls().size());
  }

  @Test
  void addressInUseElsewhereFails() throws Exception {
    aws.fail("ec2 assign-private-ip-addresses *", "\nAn error occurred (InvalidIPAddress.InUse) when calling the "
        + "AssignPrivateIpAddresses operation: Address 10.88.60.9 is in use.\n", 255);
    aws.on("ec2 describe-network-interfaces *", ENI);
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("failed", s.status());
    assertEquals("assign-secondary-ip execute: assign failed", s.message());
    assertTrue(s.error().startsWith("aws ec2 assign-private-ip-addresses --network-interface-id eni-1 "
        + "--private-ip-addresses 10.88.60.9 --region ap-northeast-1: exit status 255: An error occurred "
        + "(InvalidIPAddress.InUse)"), s.error());
    assertFalse(s.observed().containsKey("failureClass"));
  }

  @Test
  void authorizationFailureIsClassifiedAndNotVerified() throws Exception {
    aws.fail("ec2 assign-private-ip-addresses *", DENIED, 255);
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("failed", s.status());
    assertEquals(Map.of("failureClass", "authorization", "permissionHint", "ec2:AssignPrivateIpAddresses"),
        s.observed());
    assertEquals(1, aws.calls().size());
  }

  @Test
  void toolchainErrorsAreNotAuthorizationFailures() {
    AwsExecutor missing = new AwsExecutor(AwsExecutor.processCli(Map.of("PATH", "/nonexistent",
        "AWS_CLI_PATH", tmp.resolve("no-aws").toString())));
    ExecuteActionResult.Status s = missing.execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("failed", s.status());
    assertTrue(s.error().contains("fork/exec") && s.error().contains("no such file or directory"), s.error());
    assertEquals(Map.of(), s.observed());
    // routerd's exact case: the text says "permission denied" — a toolchain problem, not IAM.
    assertEquals(Map.of(), Results.classify("fork/exec /usr/local/bin/aws: permission denied", false,
        "ec2:AssignPrivateIpAddresses", AwsExecutor.AUTH));
    assertEquals(Map.of("failureClass", "authorization", "permissionHint", "ec2:AssignPrivateIpAddresses"),
        Results.classify("UnauthorizedOperation: You are not authorized", false, "ec2:AssignPrivateIpAddresses",
            AwsExecutor.AUTH));
  }

  @Test
  void throttlingIsTransient() throws Exception {
    aws.fail("ec2 assign-private-ip-addresses *", "\nAn error occurred (RequestLimitExceeded) when calling the "
        + "AssignPrivateIpAddresses operation (reached max retries: 2): Request limit exceeded.\n", 255);
    aws.on("ec2 describe-network-interfaces *", ENI);
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("transient", s.observed().get("failureClass"));
  }

  @Test
  void unassignAbsentIsSuccess() throws Exception {
    aws.fail("ec2 unassign-private-ip-addresses *", "\nAn error occurred (InvalidParameterValue) when calling the "
        + "UnassignPrivateIpAddresses operation: Some of the specified addresses are not assigned to interface eni-1\n",
        255);
    ExecuteActionResult.Status s = executor().execute(spec("unassign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals(List.of("ec2 unassign-private-ip-addresses --network-interface-id eni-1 --private-ip-addresses "
        + "10.88.60.9 --region ap-northeast-1"), aws.calls());
    assertEquals("succeeded", s.status());
    assertEquals("10.88.60.9 was already absent from eni-1", s.message());
  }

  @Test
  void forwardingCapturesPriorAndUndoRestoresIt() throws Exception {
    aws.on("ec2 describe-network-interfaces *", ENI);
    aws.on("ec2 modify-network-interface-attribute *", "");
    Map<String, String> t = Map.of("nicRef", "eni-1", "region", "ap-northeast-1");
    ExecuteActionResult.Status s = executor().execute(spec("ensure-forwarding-enabled", "execute", t, Map.of()))
        .status();
    assertEquals(List.of("ec2 describe-network-interfaces --network-interface-ids eni-1 --region ap-northeast-1",
        "ec2 modify-network-interface-attribute --network-interface-id eni-1 --no-source-dest-check --region "
            + "ap-northeast-1"), aws.calls());
    assertEquals("disabled SourceDestCheck on eni-1 (prior=true)", s.message());
    assertEquals(Map.of("priorSourceDestCheck", "true"), s.observed());

    ExecuteActionResult.Status undo = executor().execute(spec("ensure-forwarding-disabled", "execute", t,
        Map.of("priorSourceDestCheck", "true"))).status();
    assertEquals("re-enabled SourceDestCheck on eni-1 (restored prior=true)", undo.message());
    assertEquals("ec2 modify-network-interface-attribute --network-interface-id eni-1 --source-dest-check --region "
        + "ap-northeast-1", aws.calls().get(2));

    int before = aws.calls().size();
    ExecuteActionResult.Status noop = executor().execute(spec("ensure-forwarding-disabled", "execute", t,
        Map.of("priorSourceDestCheck", "false"))).status();
    assertEquals("skipped", noop.status());
    assertEquals("prior SourceDestCheck was already false; nothing to restore", noop.message());
    ExecuteActionResult.Status blind = executor().execute(spec("ensure-forwarding-disabled", "execute", t, Map.of()))
        .status();
    assertEquals("failed", blind.status());
    assertEquals("ensure-forwarding-disabled: missing/invalid priorSourceDestCheck parameter (want true|false)",
        blind.message());
    assertEquals(before, aws.calls().size());
  }

  @Test
  void routeTableActions() throws Exception {
    aws.on("ec2 create-route *", "{\"Return\": true}");
    aws.on("ec2 describe-route-tables *", """
        {"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [
          {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
          {"DestinationCidrBlock": "10.88.60.9/32", "NetworkInterfaceId": "eni-2", "State": "active"}]}]}
        """);
    Map<String, String> t = Map.of("nicRef", "eni-1", "address", "10.88.60.9/32", "region", "ap-northeast-1",
        "routeTableRef", "rtb-1", "captureStrategy", "route-table");
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", t, Map.of())).status();
    assertEquals("ec2 create-route --route-table-id rtb-1 --destination-cidr-block 10.88.60.9/32 "
        + "--network-interface-id eni-1 --region ap-northeast-1", aws.calls().get(0));
    assertEquals("routed 10.88.60.9/32 to eni-1 in rtb-1", s.message());
    assertEquals(Map.of("assignedRoute", "10.88.60.9/32", "routeTableRef", "rtb-1", "nextHopNICRef", "eni-1"),
        s.observed());
    ExecuteActionResult.Status un = executor().execute(spec("unassign-route-table-route", "execute", t, Map.of()))
        .status();
    assertEquals("skipped", un.status());
    assertEquals("route 10.88.60.9/32 in rtb-1 is held by eni-2, not eni-1; leaving it intact", un.message());
  }

  @Test
  void invalidInputsNeverCallTheCli() throws Exception {
    AwsExecutor ex = executor();
    assertEquals("invalid mode \"apply\" (want dry-run or execute)",
        ex.execute(spec("assign-secondary-ip", "apply", TARGET, Map.of())).status().message());
    assertEquals("unsupported action \"explode\"", ex.execute(spec("explode", "execute", TARGET, Map.of())).status()
        .message());
    ExecuteActionResult.Status m = ex.execute(spec("assign-secondary-ip", "execute", Map.of("address", "10.0.0.1"),
        Map.of())).status();
    assertEquals("assign-secondary-ip: missing target field", m.message());
    assertEquals("target.nicRef (ENI id) is required", m.error());
    assertEquals(0, aws.calls().size());
  }
}
