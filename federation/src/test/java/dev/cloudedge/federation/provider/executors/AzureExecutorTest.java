package dev.cloudedge.federation.provider.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Azure executor against a fake {@code az}: identity bootstrap, exact argv, retries, verification, errors. */
class AzureExecutorTest {
  @TempDir Path tmp;
  FakeCli az;

  static final String NIC_REF = "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic1";
  static final Map<String, String> TARGET = Map.of("nicRef", NIC_REF, "resourceGroup", "rg1", "nicName", "nic1",
      "ipConfigName", "ipcfg-mobility", "address", "10.88.60.9/32");
  static final String FLAGS = " --only-show-errors --output json";
  static final String ACCOUNT = "{\"environmentName\": \"AzureCloud\", \"id\": \"sub1\", \"state\": \"Enabled\", "
      + "\"user\": {\"assignedIdentityInfo\": \"MSI\", \"name\": \"systemAssignedIdentity\", \"type\": \"servicePrincipal\"}}";

  static String nic(boolean forwarding, String... cfgs) {
    StringBuilder sb = new StringBuilder("{\"enableIPForwarding\": " + forwarding + ", \"id\": \"" + NIC_REF
        + "\", \"name\": \"nic1\", \"resourceGroup\": \"rg1\", \"ipConfigurations\": [");
    for (int i = 0; i < cfgs.length; i += 2) {
      sb.append(i == 0 ? "" : ",").append("{\"name\": \"").append(cfgs[i]).append("\", \"primary\": ")
          .append(i == 0).append(", \"privateIPAddress\": \"").append(cfgs[i + 1])
          .append("\", \"privateIPAllocationMethod\": \"Static\"}");
    }
    return sb.append("]}").toString();
  }

  @BeforeEach
  void setUp() throws Exception {
    az = new FakeCli(tmp.resolve("az"), "az");
  }

  AzureExecutor executor() {
    AzureExecutor[] self = new AzureExecutor[1];
    ProcessCli cli = AzureExecutor.processCli(Map.of("PATH", "/usr/bin:/bin", "AZURE_CLI_PATH", az.exe.toString()),
        c -> self[0].recordCall(c));
    self[0] = new AzureExecutor(cli, d -> { });
    return self[0];
  }

  static ExecuteActionRequest.Spec spec(String action, String mode, Map<String, String> target, Map<String, String> p) {
    return new ExecuteActionRequest.Spec(action, "azure", "azure-japaneast", target, p, mode, "k1", Map.of());
  }

  @Test
  void firstUseBootstrapsThenAssignsWithExactArgv() throws Exception {
    az.on("account show*", ACCOUNT);
    az.on("network nic ip-config create *", "{\"name\": \"ipcfg-mobility\", \"privateIPAddress\": \"10.88.60.9\"}");
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals(List.of("account show" + FLAGS, "network nic ip-config create --resource-group rg1 --nic-name nic1 "
        + "--name ipcfg-mobility --private-ip-address 10.88.60.9" + FLAGS), az.calls());
    assertEquals("succeeded", s.status());
    assertEquals("assigned 10.88.60.9 to nic1 (ip-config ipcfg-mobility)", s.message());
    assertEquals("10.88.60.9", s.observed().get("assignedAddress"));
    assertEquals("ipcfg-mobility", s.observed().get("ipConfigName"));
    assertEquals("2", s.observed().get("azCallCount"));
    assertTrue(s.observed().get("azCalls").contains("\"command\":\"network nic ip-config create\""),
        s.observed().get("azCalls"));
  }

  @Test
  void loginRequiredRunsManagedIdentityLogin() throws Exception {
    az.failOnce("account show*", "ERROR: Please run 'az login' to setup account.\n", 1);
    az.on("login --identity *", "[{\"environmentName\": \"AzureCloud\", \"id\": \"sub1\"}]");
    az.on("network nic show *", nic(false, "ipconfig1", "10.88.60.4"));
    executor().execute(spec("assign-secondary-ip", "dry-run", TARGET, Map.of()));
    assertEquals(List.of("account show" + FLAGS, "login --identity --allow-no-subscriptions" + FLAGS,
        "network nic show --ids " + NIC_REF + FLAGS), az.calls());
  }

  @Test
  void authorizationFailedIsClassified() throws Exception {
    az.on("account show*", ACCOUNT);
    az.fail("network nic ip-config create *", "ERROR: (AuthorizationFailed) The client 'aaaa' with object id 'aaaa' "
        + "does not have authorization to perform action 'Microsoft.Network/networkInterfaces/write' over scope '"
        + NIC_REF + "' or the scope is invalid.\nCode: AuthorizationFailed\n", 1);
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("failed", s.status());
    assertEquals("authorization", s.observed().get("failureClass"));
    assertEquals("Microsoft.Network/networkInterfaces/write", s.observed().get("permissionHint"));
    assertTrue(s.error().startsWith("az network nic ip-config create --resource-group rg1 --nic-name nic1 --name "
        + "ipcfg-mobility --private-ip-address 10.88.60.9 --only-show-errors --output json: exit status 1: ERROR: "
        + "(AuthorizationFailed)"), s.error());
  }

  @Test
  void alreadyExistsIsVerifiedAndSucceeds() throws Exception {
    az.on("account show*", ACCOUNT);
    az.fail("network nic ip-config create *", "ERROR: (AlreadyExists) Resource ipcfg-mobility already exists.\n", 1);
    az.on("network nic show *", nic(true, "ipconfig1", "10.88.60.4", "ipcfg-mobility", "10.88.60.9"));
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("succeeded", s.status());
    assertEquals("assigned 10.88.60.9 to nic1 (already present as ip-config ipcfg-mobility)", s.message());
    assertEquals("true", s.observed().get("assignAlreadyPresent"));
  }

  @Test
  void addressHeldByAnotherNicFails() throws Exception {
    az.on("account show*", ACCOUNT);
    az.fail("network nic ip-config create *", "ERROR: (PrivateIPAddressInUse) IP configuration /subscriptions/sub1/"
        + "resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic2/ipConfigurations/cfg2 is using the "
        + "private IP address 10.88.60.9.\n", 1);
    az.on("network nic list *", "[" + nic(false, "ipconfig1", "10.88.60.4").replace("\"nic1\"", "\"nic1\"") + ", "
        + "{\"name\": \"nic2\", \"resourceGroup\": \"rg1\", \"ipConfigurations\": [{\"name\": \"cfg2\", "
        + "\"privateIPAddress\": \"10.88.60.9\"}]}]");
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("failed", s.status());
    assertEquals("assign-secondary-ip execute: address held by another target", s.message());
    assertEquals("addressHeldByAnotherTarget", s.observed().get("failureClass"));
    assertEquals("nic2", s.observed().get("observedHolderNIC"));
    assertEquals("cfg2", s.observed().get("observedHolderIPConfig"));
    assertEquals("network nic list --resource-group rg1" + FLAGS, az.calls().get(2));
  }

  @Test
  void transientFailuresOfIdempotentCallsAreRetried() throws Exception {
    az.on("account show*", ACCOUNT);
    az.failOnce("network nic ip-config create *", "ERROR: (ServiceUnavailable) The service is temporarily "
        + "unavailable. Service Unavailable\n", 1);
    az.on("network nic ip-config create *", "{}");
    ExecuteActionResult.Status s = executor().execute(spec("assign-secondary-ip", "execute", TARGET, Map.of())).status();
    assertEquals("succeeded", s.status());
    assertEquals(2, az.calls().stream().filter(c -> c.startsWith("network nic ip-config create")).count());
    assertEquals("3", s.observed().get("azCallCount"));
  }

  @Test
  void forwardingAndRestorePrior() throws Exception {
    az.on("account show*", ACCOUNT);
    az.on("network nic show *", nic(false, "ipconfig1", "10.88.60.4"));
    az.on("network nic update *", "{}");
    Map<String, String> t = Map.of("nicRef", NIC_REF);
    ExecuteActionResult.Status s = executor().execute(spec("ensure-forwarding-enabled", "execute", t, Map.of())).status();
    assertEquals("set ipForwarding=true on " + NIC_REF + " (prior=false)", s.message());
    assertEquals("false", s.observed().get("priorIpForwarding"));
    assertEquals("network nic update --ids " + NIC_REF + " --ip-forwarding true" + FLAGS, az.calls().get(2));
    ExecuteActionResult.Status undo = executor().execute(spec("ensure-forwarding-disabled", "execute", t,
        Map.of("priorIpForwarding", "false"))).status();
    assertEquals("set ipForwarding=false on " + NIC_REF + " (restored prior=false)", undo.message());
    ExecuteActionResult.Status noop = executor().execute(spec("ensure-forwarding-disabled", "execute", t,
        Map.of("priorIpForwarding", "true"))).status();
    assertEquals("skipped", noop.status());
    assertEquals("prior ipForwarding was already true; nothing to restore", noop.message());
  }

  @Test
  void unassignDeletesAndVerifies() throws Exception {
    az.on("account show*", ACCOUNT);
    az.on("network nic ip-config delete *", "");
    az.on("network nic show *", nic(true, "ipconfig1", "10.88.60.4"));
    ExecuteActionResult.Status s = executor().execute(spec("unassign-secondary-ip", "execute", TARGET, Map.of()))
        .status();
    assertEquals("network nic ip-config delete --resource-group rg1 --nic-name nic1 --name ipcfg-mobility" + FLAGS,
        az.calls().get(1));
    assertEquals("unassigned ip-config ipcfg-mobility from nic1", s.message());
  }

  @Test
  void dryRunGuardRefusesWrites() {
    CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
        () -> AzureExecutor.dryRunGuard(argv -> "").run(List.of("network", "nic", "update", "--ids", "x")));
    assertEquals("dry-run guard: refusing non-read-only az command \"network nic update\" (only *show/*list "
        + "permitted in dry-run)", e.getMessage());
  }
}
