package dev.cloudedge.federation.provider.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI executor against a fake {@code oci} (via OCI_CLI_PATH): exact argv, realistic ServiceErrors. */
class OciExecutorTest {
  @TempDir Path tmp;
  FakeCli oci;

  static final String VNIC = "ocid1.vnic.oc1..vnic1";
  static final Map<String, String> TARGET = Map.of("nicRef", VNIC, "address", "10.88.60.9/32");
  static final String AUTH = " --auth instance_principal --output json";
  static final String LIST = """
      {
        "data": [
          {"hostname-label": null, "id": "ocid1.privateip.oc1..pip4", "ip-address": "10.88.60.4", "is-primary": true,
           "vnic-id": "ocid1.vnic.oc1..vnic1"},
          {"hostname-label": null, "id": "ocid1.privateip.oc1..pip9", "ip-address": "10.88.60.9", "is-primary": false,
           "vnic-id": "ocid1.vnic.oc1..vnic1"}
        ]
      }
      """;
  static final String NOT_AUTHORIZED = """
      ServiceError:
      {
          "client_version": "Oracle-PythonSDK/2.126.0, Oracle-PythonCLI/3.45.0",
          "code": "NotAuthorizedOrNotFound",
          "logging_tips": "Please run the OCI CLI command using --debug flag to find more debug information.",
          "message": "Authorization failed or requested resource not found.",
          "opc-request-id": "8F0E",
          "operation_name": "create_private_ip",
          "status": 404
      }
      """;

  @BeforeEach
  void setUp() throws Exception {
    oci = new FakeCli(tmp.resolve("oci"), "oci");
  }

  OciExecutor executor() {
    return new OciExecutor(OciExecutor.processCli(Map.of("PATH", "/usr/bin:/bin", "OCI_CLI_PATH", oci.exe.toString())));
  }

  static ExecuteActionRequest.Spec spec(String action, String mode, Map<String, String> target, Map<String, String> p) {
    return new ExecuteActionRequest.Spec(action, "oci", "oci-tokyo", target, p, mode, "k1", Map.of());
  }

  @Test
  void assignExactArgv() throws Exception {
    oci.on("network private-ip create *", "{\"data\": {\"id\": \"ocid1.privateip.oc1..pip9\", \"ip-address\": "
        + "\"10.88.60.9\"}}");
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals(List.of("network private-ip create --vnic-id " + VNIC + " --ip-address 10.88.60.9" + AUTH), oci.calls());
    assertEquals("assigned 10.88.60.9 to " + VNIC, s.message());
    assertEquals(Map.of("assignedAddress", "10.88.60.9"), s.observed());
  }

  @Test
  void alreadyAssignedIsSuccess() throws Exception {
    oci.fail("network private-ip create *", "ServiceError:\n{\n    \"code\": \"Conflict\",\n    \"message\": "
        + "\"The private IP 10.88.60.9 is already assigned to VNIC ocid1.vnic.oc1..vnic1\",\n    \"status\": 409\n}\n", 1);
    oci.on("network private-ip list *", LIST);
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("succeeded", s.status());
    assertEquals("10.88.60.9 already present on " + VNIC + " (private-ip ocid1.privateip.oc1..pip9)", s.message());
    assertEquals("true", s.observed().get("seizeAlreadyPresent"));
    assertEquals("network private-ip list --vnic-id " + VNIC + AUTH, oci.calls().get(1));
  }

  @Test
  void notAuthorizedIsClassified() throws Exception {
    oci.fail("network private-ip create *", NOT_AUTHORIZED, 1);
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("failed", s.status());
    assertEquals("assign-secondary-ip execute: assign failed", s.message());
    assertEquals(Map.of("failureClass", "authorization", "permissionHint", "manage private-ips"), s.observed());
  }

  @Test
  void unassignListsThenDeletes() throws Exception {
    oci.on("network private-ip list *", LIST);
    oci.on("network private-ip delete *", "");
    ExecuteActionResult.Status s = executor().execute(spec("unassign-secondary-ip", "execute", TARGET, Map.of()))
        .status();
    assertEquals(List.of("network private-ip list --vnic-id " + VNIC + AUTH,
        "network private-ip delete --private-ip-id ocid1.privateip.oc1..pip9 --force" + AUTH), oci.calls());
    assertEquals("unassigned 10.88.60.9 from " + VNIC + " (private-ip ocid1.privateip.oc1..pip9)", s.message());
    ExecuteActionResult.Status absent = executor().execute(spec("unassign-secondary-ip", "execute",
        Map.of("nicRef", VNIC, "address", "10.88.60.77"), Map.of())).status();
    assertEquals("skipped", absent.status());
    assertEquals("10.88.60.77 is not present on " + VNIC + "; nothing to unassign", absent.message());
  }

  @Test
  void forwardingPriorAndRestore() throws Exception {
    oci.on("network vnic get *", "{\"data\": {\"id\": \"" + VNIC + "\", \"skip-source-dest-check\": false}}");
    oci.on("network vnic update *", "{\"data\": {\"skip-source-dest-check\": true}}");
    Map<String, String> t = Map.of("nicRef", VNIC);
    ExecuteActionResult.Status s = executor().execute(spec("ensure-forwarding-enabled", "execute", t, Map.of())).status();
    assertEquals(List.of("network vnic get --vnic-id " + VNIC + AUTH,
        "network vnic update --vnic-id " + VNIC + " --skip-source-dest-check true" + AUTH), oci.calls());
    assertEquals("set skipSourceDestCheck=true on " + VNIC + " (prior=false)", s.message());
    assertEquals(Map.of("priorSkipSourceDestCheck", "false"), s.observed());
    ExecuteActionResult.Status undo = executor().execute(spec("ensure-forwarding-disabled", "execute", t,
        Map.of("priorSkipSourceDestCheck", "false"))).status();
    assertEquals("set skipSourceDestCheck=false on " + VNIC + " (restored prior=false)", undo.message());
    ExecuteActionResult.Status dry = executor().execute(spec("ensure-forwarding-enabled", "dry-run", t, Map.of()))
        .status();
    assertEquals("would set skipSourceDestCheck=true", dry.message());
  }

  @Test
  void cliPathResolutionTexts() throws Exception {
    Path dirAsCli = Files.createDirectories(tmp.resolve("oci-dir"));
    OciExecutor bad = new OciExecutor(OciExecutor.processCli(Map.of("PATH", "/usr/bin", "OCI_CLI_PATH",
        dirAsCli.toString())));
    ExecuteActionResult.Status s = bad.execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertTrue(s.error().startsWith("OCI_CLI_PATH=" + dirAsCli + " is not executable: "), s.error());
    if (!Files.exists(Path.of("/usr/local/bin/oci")) && !Files.exists(Path.of("/usr/bin/oci"))
        && !Files.exists(Path.of("/bin/oci")) && !Files.exists(Path.of("/opt/oci-cli/bin/oci"))) {
      OciExecutor none = new OciExecutor(OciExecutor.processCli(Map.of("PATH", tmp.toString())));
      assertEquals("OCI CLI \"oci\" was not found as an executable on PATH=" + tmp
          + "; set OCI_CLI_PATH to an absolute executable path",
          none.execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status().error());
    }
    CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
        () -> OciExecutor.dryRunGuard(argv -> "").run(List.of("network", "private-ip", "create", "--vnic-id", "x")));
    assertEquals("dry-run guard: refusing non-read-only oci command \"network private-ip create\" (only *get/*list "
        + "permitted in dry-run)", e.getMessage());
  }
}
