package dev.cloudedge.worker.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.activities.provider.ProviderActivitiesImpl;
import dev.cloudedge.federation.provider.ActionJournal;
import dev.cloudedge.workflows.provider.ProviderActivities;
import dev.cloudedge.workflows.provider.ProviderActivities.Step;
import dev.cloudedge.workflows.remediation.RemediationOptions;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider activities that wait on an executor process — execute and undo — keep their
 * promises to Temporal, tested with {@link TestActivityEnvironment} on a real node (the lab's
 * sender: SQLite journal, config read fresh) and a shell executor that takes as long as the plan
 * says: they heartbeat while the executor runs, and a cancellation kills the executor at once
 * and leaves the journal telling the truth.
 */
class ProviderActivitiesHeartbeatTest {
  private static final String POLICY = """
      apiVersion: hybrid.routerd.net/v1alpha1
      kind: ProviderActionPolicy
      metadata:
        name: lab-provider
      spec:
        enabled: true
        dryRunOnly: false
        requireApproval: false
        allowedProviders: [aws]
        allowedActions: [assign-secondary-ip, unassign-secondary-ip]
        maxActionsPerRun: 5
        allowUndo: true
      ---
      """;

  @TempDir Path tmp;
  private RemediationLab lab;
  private TestActivityEnvironment env;
  private ProviderActivities activities;
  private Path pids;
  private final List<Long> beats = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    lab = RemediationLab.start(tmp.resolve("lab"), false);
    Path dir = Files.createDirectories(tmp.resolve("executor"));
    pids = dir.resolve("pids");
    Path exe = dir.resolve("aws-executor");
    // Answers dry-runs at once; a live call records its pid and takes the request's sleepSeconds.
    Files.writeString(exe, """
        #!/bin/sh
        req=$(cat)
        field() { printf '%%s' "$req" | sed -n "s/.*\\"$1\\":\\"\\([^\\"]*\\)\\".*/\\1/p"; }
        head='{"apiVersion":"provideraction.routerd.net/v1alpha1","kind":"ExecuteActionResult","status":'
        if [ "$(field mode)" = "dry-run" ]; then
          printf '%%s{"status":"succeeded","message":"would","observed":{"priorSourceDestCheck":"true"}}}\\n' "$head"; exit 0
        fi
        echo $$ >> '%s'
        s=$(field sleepSeconds); [ -n "$s" ] && sleep "$s"
        printf '%%s{"status":"succeeded","message":"done %%s","observed":{"priorSourceDestCheck":"true"}}}\\n' "$head" "$(field action)"
        """.formatted(pids), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    String plugin = "apiVersion: plugin.routerd.net/v1alpha1\nkind: Plugin\nmetadata:\n  name: aws-executor\nspec:\n"
        + "  executable: " + exe + "\n  capabilities: [execute.providerAction]\n  timeout: 60s\n---\n";
    Files.writeString(lab.senderConfig(), plugin + POLICY, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new ProviderActivitiesImpl(lab.lab.sender(), null));
    env.setActivityHeartbeatListener(Long.class, beats::add);
  }

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  /**
   * The production options, with a short heartbeat timeout: the SDK sends heartbeats (and learns of
   * a cancellation) at most every 0.8 × the timeout, so 2 s keeps the cancellation tests fast.
   */
  private ProviderActivities stub(ActivityOptions production) {
    return env.newActivityStub(ProviderActivities.class, ActivityOptions.newBuilder(production)
        .setHeartbeatTimeout(Duration.ofSeconds(2)).build());
  }

  private static String plans(String claim, String assignSleep, String undoSleep) {
    return """
        [{"name":"%1$s-assign","provider":"aws","providerRef":"i-0abc","action":"assign-secondary-ip",
          "target":{"address":"10.88.60.9/32","nicRef":"eni-0a1"},"idempotencyKey":"%1$s:assign",
          "parameters":{"sleepSeconds":"%2$s"},
          "undo":{"action":"unassign-secondary-ip","parameters":{"sleepSeconds":"%3$s"}}}]
        """.formatted(claim, assignSleep, undoSleep);
  }

  private long importOne(String claim, String assignSleep, String undoSleep) {
    ProviderActivities journalOps = env.newActivityStub(ProviderActivities.class,
        RemediationOptions.providerJournal(RemediationLab.NODE));
    return journalOps.importPlans(new ProviderActivities.ImportRequest(plans(claim, assignSleep, undoSleep),
        "workflow:test")).get(0).id();
  }

  private ActionJournal journal() {
    return new ActionJournal(lab.lab.sender().runtime().store());
  }

  private List<Long> executorPids() throws Exception {
    return Files.readAllLines(pids).stream().map(Long::parseLong).toList();
  }

  /** Requests cancellation once the activity has heartbeat {@code after} times. */
  private void cancelAfter(int after) {
    AtomicBoolean sent = new AtomicBoolean();
    env.setActivityHeartbeatListener(Long.class, d -> {
      beats.add(d);
      if (beats.size() >= after && sent.compareAndSet(false, true)) {
        env.requestCancelActivity();
      }
    });
  }

  private static boolean canceled(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CanceledFailure || c.getClass().getSimpleName().equals("ActivityCanceledException")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aSlowUndoHeartbeatsWhileItsExecutorRuns() throws Exception {
    long id = importOne("hb-undo", "", "4");
    assertEquals("succeeded", stub(RemediationOptions.providerExecute(RemediationLab.NODE)).execute(id).status());
    beats.clear();
    Step undone = stub(RemediationOptions.providerUndo(RemediationLab.NODE)).undo(id);
    assertEquals("rolledBack", undone.status(), undone.toString());
    // A 4 s executor ticks once a second; the SDK sends at most one heartbeat per 1.6 s (0.8 × the
    // 2 s timeout), so the server sees two. Without heartbeats a 60 s undo would outlive its 30 s
    // heartbeat timeout and be started a second time while the first still runs.
    assertTrue(beats.size() >= 2, "heartbeats during a 4 s undo: " + beats);
    assertTrue(beats.stream().allMatch(b -> b == id), beats.toString());
  }

  @Test
  void aSlowExecutionHeartbeatsWhileItsExecutorRuns() throws Exception {
    long id = importOne("hb-exec", "4", "");
    Step done = stub(RemediationOptions.providerExecute(RemediationLab.NODE)).execute(id);
    assertEquals("succeeded", done.status(), done.toString());
    assertTrue(beats.size() >= 2, "heartbeats during a 4 s execution: " + beats);
  }

  @Test
  void aCancelledUndoKillsItsExecutorAndTheRowStaysSucceeded() throws Exception {
    long id = importOne("cancel-undo", "", "60");
    assertEquals("succeeded", stub(RemediationOptions.providerExecute(RemediationLab.NODE)).execute(id).status());
    beats.clear();
    cancelAfter(1);
    long start = System.nanoTime();
    ProviderActivities undo = stub(RemediationOptions.providerUndo(RemediationLab.NODE));
    Throwable t = assertThrows(Throwable.class, () -> undo.undo(id));
    assertTrue(canceled(t), "not a cancellation: " + t);
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "the cancellation was not honoured at once");
    long undoPid = executorPids().get(executorPids().size() - 1);
    assertFalse(ProcessHandle.of(undoPid).map(ProcessHandle::isAlive).orElse(false),
        "the undo's executor " + undoPid + " outlived its cancelled activity");
    assertEquals("succeeded", journal().get(id).orElseThrow().status(), "an interrupted undo undid nothing on record");
    assertTrue(journal().audit(id).stream().anyMatch(a -> a.event().equals("rollback-interrupted")),
        journal().audit(id).toString());
  }

  @Test
  void aCancelledExecutionKillsItsExecutorAndLeavesTheRowForRecovery() throws Exception {
    long id = importOne("cancel-exec", "60", "");
    cancelAfter(1);
    long start = System.nanoTime();
    ProviderActivities exec = stub(RemediationOptions.providerExecute(RemediationLab.NODE));
    Throwable t = assertThrows(Throwable.class, () -> exec.execute(id));
    assertTrue(canceled(t), "not a cancellation: " + t);
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "the cancellation was not honoured at once");
    long pid = executorPids().get(0);
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "the executor " + pid + " outlived its cancelled activity");
    // The live call may have reached the cloud: the row stays running with its call marker, and the
    // next attempt (after the stale-running timeout) observes before it acts.
    var row = journal().get(id).orElseThrow();
    assertEquals("running", row.status());
    assertTrue(journal().audit(id).stream().anyMatch(a -> a.event().equals("call-started")), journal().audit(id).toString());
  }
}
