package dev.cloudedge.cli.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.cli.Cloudedge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cloudedge action ...} end to end in-process: real SQLite file, real executor child process. */
class ActionCommandTest {
  @TempDir Path tmp;
  Path db;
  Path config;
  Path plans;
  Path calls;

  record Run(int code, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Cloudedge.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--help") && !all.contains("--state-file")) {
      all.add("--state-file");
      all.add(db.toString());
    }
    int code = cl.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void setUp() throws Exception {
    db = tmp.resolve("state.db");
    dev.cloudedge.federation.store.FederationStore.open(db).close();
    calls = tmp.resolve("calls.log");
    Path exe = tmp.resolve("fake-executor");
    Files.writeString(exe, """
        #!/bin/sh
        req=$(cat)
        printf '%s\\n' "$req" >> '%CALLS%'
        mode=$(printf '%s' "$req" | sed -n 's/.*"mode":"\\([^"]*\\)".*/\\1/p')
        action=$(printf '%s' "$req" | sed -n 's/.*"action":"\\([^"]*\\)".*/\\1/p')
        if [ "$mode" = "dry-run" ]; then
          printf '{"status":{"status":"succeeded","message":"would %s"}}\\n' "$action"
        else
          printf '{"status":{"status":"succeeded","message":"faked %s","observed":{"nicState":"fake-attached"}}}\\n' "$action"
        fi
        """.replace("%CALLS%", calls.toString()));
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    config = tmp.resolve("router.yaml");
    Files.writeString(config, """
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: ProviderActionPolicy
        metadata: {name: default}
        spec:
          enabled: true
          dryRunOnly: false
          allowedProviders: [aws]
          allowedActions: [assign-secondary-ip, unassign-secondary-ip, ensure-forwarding-enabled]
          allowedCIDRs: [10.88.60.0/24]
          maxActionsPerRun: 5
          allowUndo: true
        ---
        apiVersion: plugin.routerd.net/v1alpha1
        kind: Plugin
        metadata: {name: aws-executor}
        spec:
          executable: %EXE%
          capabilities: [execute.providerAction]
          timeout: 10s
        """.replace("%EXE%", exe.toString()));
    plans = tmp.resolve("plans.json");
    Files.writeString(plans, """
        {"apiVersion": "plugin.routerd.net/v1alpha1", "kind": "PluginResult", "status": {"ttl": "30m", "actionPlans": [
          {"name": "aws-assign-10-88-60-9-32", "provider": "aws", "action": "assign-secondary-ip",
           "target": {"provider": "aws", "providerRef": "aws-tokyo", "nicRef": "eni-0abc123", "address": "10.88.60.9/32",
                      "region": "ap-northeast-1"},
           "providerRef": "aws-tokyo", "mode": "dry-run", "riskLevel": "medium",
           "idempotencyKey": "aws:eni-0abc123:assign-secondary-ip:10.88.60.9/32",
           "undo": {"action": "unassign-secondary-ip", "parameters": {"address": "10.88.60.9/32", "nicRef": "eni-0abc123",
                    "region": "ap-northeast-1"}}},
          {"name": "aws-forwarding-eni-0abc123", "provider": "aws", "action": "ensure-forwarding-enabled",
           "target": {"provider": "aws", "providerRef": "aws-tokyo", "nicRef": "eni-0abc123", "address": "10.88.60.9/32"},
           "mode": "dry-run", "idempotencyKey": "aws:eni-0abc123:ensure-forwarding-enabled",
           "parameters": {"sourceDestCheck": "false"}},
          {"name": "keyless", "provider": "aws", "action": "ensure-forwarding-enabled", "target": null}
        ]}}
        """);
  }

  @Test
  void fullOperatorFlow() throws Exception {
    Run empty = run("action", "list", "-o", "json");
    assertEquals(0, empty.code());
    assertEquals("[]\n", empty.out().replace(" ", ""));

    Run imp = run("action", "import", "--plans", plans.toString());
    assertEquals(0, imp.code(), imp.err());
    assertEquals("imported 2 action(s): 2 inserted, 0 duplicate, 1 skipped (missing idempotencyKey)\n", imp.out());
    assertEquals("imported 2 action(s): 0 inserted, 2 duplicate, 1 skipped (missing idempotencyKey)\n",
        run("action", "import", "--plans", plans.toString()).out());

    Run list = run("action", "list");
    assertEquals("""
        ID  IDEMPOTENCY_KEY                                    PROVIDER  ACTION                     STATUS   LIFECYCLE  TARGET         APPROVED_BY
        2   aws:eni-0abc123:ensure-forwarding-enabled          aws       ensure-forwarding-enabled  pending  active     10.88.60.9/32  -
        1   aws:eni-0abc123:assign-secondary-ip:10.88.60.9/32  aws       assign-secondary-ip        pending  active     10.88.60.9/32  -
        """, list.out());

    Run noMode = run("action", "execute", "1", "--config", config.toString());
    assertEquals(2, noMode.code());
    assertEquals("cloudedge: action execute requires an explicit mode: pass --dry-run (preview) or --approved "
        + "(live execute)\n", noMode.err());
    Run both = run("action", "execute", "1", "--dry-run", "--approved", "--config", config.toString());
    assertEquals("cloudedge: specify only one of --dry-run or --approved\n", both.err());

    Run notApproved = run("action", "execute", "--approved", "1", "--config", config.toString());
    assertEquals(1, notApproved.code());
    assertEquals("cloudedge: execute action 1: action is pending and not approved (approval required)\n",
        notApproved.err());
    assertTrue(!Files.exists(calls));

    assertEquals("action 1 approved by alice (status now approved)\n", run("action", "approve", "1", "--by", "alice").out());
    Run twice = run("action", "approve", "1", "--by", "alice");
    assertEquals(1, twice.code());
    assertEquals("cloudedge: cannot approve action 1: row missing or not in pending state\n", twice.err());

    Run dry = run("action", "execute", "1", "--dry-run", "--config", config.toString());
    assertEquals(0, dry.code(), dry.err());
    assertEquals("action 1 dry-run: succeeded (would assign-secondary-ip)\n"
        + "(preview only — journal lifecycle unchanged; approval not consumed)\n", dry.out());

    Run exec = run("action", "execute", "1", "--approved", "--config", config.toString());
    assertEquals(0, exec.code(), exec.err());
    assertEquals("action 1 executed: status now succeeded (faked assign-secondary-ip)\n", exec.out());
    long launches = Files.readAllLines(calls).size();
    // A second execute runs nothing and says so (succeeded is terminal).
    Run again = run("action", "execute", "1", "--approved", "--config", config.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().matches("action 1 not executed: already succeeded at \\d{4}-\\d\\d-\\d\\dT\\S+Z; an action runs once "
        + "\\(rollback undoes it\\)\n"), again.out());
    assertEquals(launches, Files.readAllLines(calls).size());

    Run show = run("action", "show", "1");
    assertTrue(show.out().startsWith("ID:               1\nIdempotency Key:  aws:eni-0abc123:assign-secondary-ip:"
        + "10.88.60.9/32\nSource:           file:" + plans + "\n"), show.out());
    assertTrue(show.out().contains("Approved By:      alice\n"), show.out());
    Run json = run("action", "show", "1", "-o", "json");
    assertTrue(json.out().contains("\"idempotencyKey\" : \"aws:eni-0abc123:assign-secondary-ip:10.88.60.9/32\"")
        || json.out().contains("\"idempotencyKey\": \"aws:eni-0abc123:assign-secondary-ip:10.88.60.9/32\""), json.out());
    assertTrue(json.out().contains("\"observed\""), json.out());

    Run rej = run("action", "reject", "2", "--by", "bob", "--reason", "forwarding handled by the OS image");
    assertEquals("action 2 rejected by bob (status now rejected)\n", rej.out());
    Run rejExec = run("action", "execute", "2", "--approved", "--config", config.toString());
    assertEquals("cloudedge: execute action 2: action was rejected\n", rejExec.err());

    Run rbDry = run("action", "rollback", "1", "--dry-run", "--config", config.toString());
    assertEquals("action 1 rollback dry-run: succeeded (would unassign-secondary-ip)\n"
        + "(preview only — journal lifecycle unchanged)\n", rbDry.out());
    Run rb = run("action", "rollback", "1", "--approved", "--config", config.toString());
    assertEquals("action 1 rolled back: status now rolledBack\n", rb.out());
    assertTrue(Files.readString(calls).contains("\"idempotencyKey\":\"aws:eni-0abc123:assign-secondary-ip:10.88.60.9/32:undo\""));

    Run audit = run("action", "journal", "--audit", "--id", "1");
    assertTrue(audit.out().contains("approved") && audit.out().contains("alice") && audit.out().contains("rolled-back"),
        audit.out());
    Run bad = run("action", "show", "x");
    assertEquals(2, bad.code());
    assertEquals("cloudedge: invalid action id \"x\": want the number in the ID column of 'cloudedge action list'\n", bad.err());
    assertEquals("cloudedge: action 7 not found\n", run("action", "show", "7").err());
    Run missingDb = run("action", "list", "--state-file", tmp.resolve("nope.db").toString());
    assertEquals(2, missingDb.code());
    assertTrue(missingDb.err().contains("nope.db does not exist"), missingDb.err());
  }

  @Test
  void lockedDownWithoutPolicyAndInvalidConfigIsAUserError() throws Exception {
    run("action", "import", "--plans", plans.toString());
    run("action", "approve", "1");
    Path noPolicy = tmp.resolve("no-policy.yaml");
    Files.writeString(noPolicy, Files.readString(config).substring(Files.readString(config).indexOf("---") + 4));
    Run denied = run("action", "execute", "1", "--approved", "--config", noPolicy.toString());
    assertEquals(1, denied.code());
    assertEquals("cloudedge: policy gate denied action 1: execution is disabled (policy.enabled=false)\n",
        denied.err());
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, """
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: ProviderActionPolicy
        metadata: {name: p}
        spec: {maxActionsPerRun: -2}
        """);
    Run invalid = run("action", "execute", "1", "--approved", "--config", bad.toString());
    assertEquals(2, invalid.code());
    assertTrue(invalid.err().contains("hybrid.routerd.net/v1alpha1/ProviderActionPolicy/p spec.maxActionsPerRun must "
        + "be >= 0"), invalid.err());
  }
}
