package dev.cloudedge.workflows.qualification;

import dev.cloudedge.workflows.qualification.EvidenceActivities.CycleRecord;
import dev.cloudedge.workflows.qualification.EvidenceActivities.EvidenceField;
import dev.cloudedge.workflows.qualification.EvidenceActivities.RunFinish;
import dev.cloudedge.workflows.qualification.EvidenceActivities.RunFinishResult;
import dev.cloudedge.workflows.qualification.EvidenceActivities.RunSetup;
import dev.cloudedge.workflows.qualification.EvidenceActivities.RunSetupResult;
import dev.cloudedge.workflows.qualification.EvidenceActivities.ScenarioEvidence;
import dev.cloudedge.workflows.qualification.NodeActivities.NodeFacts;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Runs cycles × scenarios as child workflows, holds the topology lock, keeps the run's evidence
 * metadata current and maps the outcome to a verdict. Setup problems are returned as {@link
 * Verdict#SETUP_ERROR} before any cycle directory exists.
 */
public class QualificationWorkflowImpl implements QualificationWorkflow {
  private static final Logger log = Workflow.getLogger(QualificationWorkflowImpl.class);

  private QualificationRequest req;
  private String phase = "setup";
  private int cycle;
  private String scenario = "";
  private String detail = "validating the request";
  private String verdict = "";
  private final List<ScenarioOutcome> outcomes = new ArrayList<>();
  private TopologyLockWorkflow lock;
  private Promise<Void> lockHeld;
  static final String AWAIT_LOCK_RELEASE = "await-lock-release";
  static final String CONTINUE_AS_NEW = "continue-as-new";
  /** Carried from earlier runs of this qualification (continue-as-new); zero on a fresh run. */
  private int carriedPass;
  private int carriedFail;
  private int carriedSkip;
  private final List<ScenarioOutcome> carried = new ArrayList<>();
  /** Set when this run hands over to a new run instead of finishing. */
  private QualificationRequest next;
  static final String COUNT_CANCELLED_SCENARIO = "count-cancelled-scenario";

  @Override
  public QualificationResult qualify(QualificationRequest request) {
    this.req = request;
    if (request == null) {
      return setupError(null, "qualification request is required");
    }
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      return setupError(request, String.join("; ", problems));
    }
    QualificationContinuation c = request.continuation();
    if (c != null) {
      carriedPass = c.pass();
      carriedFail = c.fail();
      carriedSkip = c.skip();
      carried.addAll(c.kept());
      cycle = c.nextCycle() - 1;
    } else {
      Workflow.upsertTypedSearchAttributes(
          QualificationSearchAttributes.RUN_ID.valueSet(req.runId()),
          QualificationSearchAttributes.GROUP.valueSet(req.topology().groupA()),
          QualificationSearchAttributes.TOPOLOGY.valueSet(req.topology().id()),
          QualificationSearchAttributes.CYCLE.valueSet(0L),
          QualificationSearchAttributes.VERDICT.valueSet("running"));
    }

    String busy = acquireLock();
    // The run this one continues released the lock just before handing over; its child may still
    // be closing, so a continued run tries again for a few seconds before calling it lost.
    for (int i = 0; busy != null && c != null && i < 10; i++) {
      Workflow.sleep(java.time.Duration.ofSeconds(1));
      busy = acquireLock();
    }
    if (busy != null) {
      return setupError(req, c == null ? busy : "topology lock lost while continuing as new: " + busy);
    }
    QualificationResult result;
    try {
      result = runLocked();
    } finally {
      // Detached so the lock is released on cancel too; parent-close TERMINATE covers termination.
      Workflow.newDetachedCancellationScope(() -> {
        lock.release();
        // Wait for the lock child to end, so the run does not complete while the child's
        // completion is still in flight (the server would refuse the completion as
        // UnhandledCommand and the worker would retry the task). Versioned: runs recorded
        // before this change completed without waiting.
        if (Workflow.getVersion(AWAIT_LOCK_RELEASE, Workflow.DEFAULT_VERSION, 1) >= 1) {
          try {
            lockHeld.get();
          } catch (ChildWorkflowFailure e) {
            // A lock child that failed or was terminated is released either way.
          }
        }
      }).run();
    }
    if (next != null) {
      // Outside the try: the lock is released and its child has closed before the handover.
      Workflow.await(Workflow::isEveryHandlerFinished);
      Workflow.continueAsNew(next);
    }
    return result;
  }

  private QualificationResult runLocked() {
    QualificationContinuation c = req.continuation();
    NodeFacts sender;
    RunSetupResult setup;
    if (c == null) {
      sender = null;
      setup = null;
    } else {
      sender = c.sender();
      setup = c.setup();
    }
    if (c == null) {
      RunSetupResult[] s = new RunSetupResult[1];
      NodeFacts[] f = new NodeFacts[1];
      QualificationResult err = setUp(s, f);
      if (err != null) {
        return err;
      }
      setup = s[0];
      sender = f[0];
    }
    return cycles(setup, sender, c == null ? 1 : c.nextCycle());
  }

  /** Preflight and evidence setup of a fresh run; returns a setup error, or null with the results filled. */
  private QualificationResult setUp(RunSetupResult[] setupOut, NodeFacts[] senderOut) {
    setDetail("preflight: describing " + req.topology().sender().name() + " and " + req.topology().receiver().name());
    NodeFacts sender;
    NodeFacts receiver;
    try {
      Promise<NodeFacts> s = Async.function(() -> Workflow.newActivityStub(NodeActivities.class,
              QualificationOptions.nodePreflight(req.topology().sender().taskQueue(), "describe sender " + req.topology().sender().name()))
          .describe());
      Promise<NodeFacts> r = Async.function(() -> Workflow.newActivityStub(NodeActivities.class,
              QualificationOptions.nodePreflight(req.topology().receiver().taskQueue(), "describe receiver " + req.topology().receiver().name()))
          .describe());
      sender = s.get();
      receiver = r.get();
    } catch (ActivityFailure e) {
      return setupError(req, "preflight failed: " + message(e));
    }
    List<String> preflight = new ArrayList<>();
    if (!sender.groups().contains(req.topology().groupA())) {
      preflight.add("sender " + sender.nodeName() + " does not serve EventGroup '" + req.topology().groupA() + "'");
    }
    if (!receiver.groups().contains(req.topology().groupA())) {
      preflight.add("receiver " + receiver.nodeName() + " does not serve EventGroup '" + req.topology().groupA() + "'");
    }
    if (!Topology.blank(req.topology().groupB()) && !sender.groups().contains(req.topology().groupB())) {
      preflight.add("second EventGroup '" + req.topology().groupB() + "' not found in sender config");
    }
    if (!preflight.isEmpty()) {
      return setupError(req, "preflight failed: " + String.join("; ", preflight));
    }

    EvidenceActivities evidence = Workflow.newActivityStub(EvidenceActivities.class,
        QualificationOptions.evidence("prepare evidence in " + req.evidenceDir()));
    RunSetupResult setup;
    try {
      setDetail("writing provenance.json and run-metadata.json");
      setup = evidence.prepareRun(new RunSetup(req, Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId(),
          sender, receiver, ScenarioWorkflowImpl.iso(Workflow.currentTimeMillis())));
    } catch (ActivityFailure e) {
      return setupError(req, "evidence setup failed: " + message(e));
    }
    setupOut[0] = setup;
    senderOut[0] = sender;
    return null;
  }

  private QualificationResult cycles(RunSetupResult setup, NodeFacts sender, int firstCycle) {
    EvidenceActivities evidence = Workflow.newActivityStub(EvidenceActivities.class,
        QualificationOptions.evidence("prepare evidence in " + req.evidenceDir()));
    phase = "running";
    boolean cancelled = false;
    int total = req.cycles() * req.scenarios().size();
    Promise<ScenarioOutcome>[] current = new Promise[1];
    try {
      for (cycle = firstCycle; cycle <= req.cycles(); cycle++) {
        Workflow.upsertTypedSearchAttributes(QualificationSearchAttributes.CYCLE.valueSet((long) cycle));
        String cycleStart = ScenarioWorkflowImpl.iso(Workflow.currentTimeMillis());
        int pass = 0;
        int fail = 0;
        for (String name : req.scenarios()) {
          scenario = name;
          Workflow.upsertTypedSearchAttributes(QualificationSearchAttributes.SCENARIO.valueSet(name));
          setDetail("cycle " + cycle + "/" + req.cycles() + ": " + name + " (" + (outcomes.size() + 1) + " of " + total + ")");
          ScenarioOutcome o = runScenario(name, setup, sender, current);
          outcomes.add(o);
          if ("pass".equals(o.result())) {
            pass++;
          } else {
            fail++;
          }
          current[0] = null;
        }
        scenario = "";
        evidence.recordCycle(new CycleRecord(req.evidenceDir(), cycle, pass, fail, 0, cycleStart,
            ScenarioWorkflowImpl.iso(Workflow.currentTimeMillis())));
        if (cycle < req.cycles() && historyLong()
            && Workflow.getVersion(CONTINUE_AS_NEW, Workflow.DEFAULT_VERSION, 1) >= 1) {
          next = req.continuing(continuation(cycle + 1, setup, sender));
          setDetail("continuing as new before cycle " + (cycle + 1) + " (history " + Workflow.getInfo().getHistoryLength()
              + " events)");
          return null;
        }
      }
      cycle = req.cycles();
    } catch (CanceledFailure e) {
      cancelled = true;
    }

    phase = "finishing";
    boolean wasCancelled = cancelled;
    QualificationResult[] result = new QualificationResult[1];
    Workflow.newDetachedCancellationScope(() -> {
          if (current[0] != null) {
            // The running scenario compensates and writes its evidence before its promise completes.
            Workflow.await(() -> current[0].isCompleted());
            // Count it like its evidence file counts in run-metadata.json, so `qualify status`
            // agrees with it. A cancelled child closes as CANCELED, so its outcome is not in the
            // promise; what it wrote is known: result fail, a reason naming the cancel. Versioned:
            // runs recorded before left the cancelled scenario out.
            if (Workflow.getVersion(COUNT_CANCELLED_SCENARIO, Workflow.DEFAULT_VERSION, 1) >= 1) {
              if (current[0].getFailure() == null) {
                outcomes.add(current[0].get());
              } else if (wasCancelled) {
                String now = ScenarioWorkflowImpl.iso(Workflow.currentTimeMillis());
                outcomes.add(new ScenarioOutcome(cycle, scenario, "fail", "cancelled during the scenario", now, now, 0,
                    List.of(), String.format("cycle-%03d/%s.json", cycle, scenario), "", List.of()));
              }
            }
          }
          setDetail(wasCancelled ? "cancelled: finishing evidence" : "finishing evidence");
          EvidenceActivities finish = Workflow.newActivityStub(EvidenceActivities.class,
              QualificationOptions.evidence("finish run-metadata.json, manifest and report"));
          RunFinishResult fr;
          try {
            fr = finish.finishRun(new RunFinish(req, allOutcomes(), wasCancelled,
                wasCancelled ? "cancelled" : "", ScenarioWorkflowImpl.iso(Workflow.currentTimeMillis())));
          } catch (ActivityFailure e) {
            // The scenarios ran, but the run's evidence could not be completed: incomplete, not failed.
            fr = new RunFinishResult(List.of("finish:" + message(e)), List.of("run-metadata.json summary"), "");
          }
          result[0] = verdictOf(setup, fr, wasCancelled);
        })
        .run();
    finish(result[0]);
    return result[0];
  }

  private boolean historyLong() {
    return Workflow.getInfo().getHistoryLength() >= req.effectiveHistoryEventLimit()
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  /** Totals so far and the outcomes worth carrying: every failure (bounded) and the latest eight. */
  private QualificationContinuation continuation(int nextCycle, RunSetupResult setup, NodeFacts sender) {
    int[] t = totals();
    List<ScenarioOutcome> all = allOutcomes();
    List<ScenarioOutcome> kept = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      ScenarioOutcome o = all.get(i);
      if ((!"pass".equals(o.result()) || i >= all.size() - 8) && kept.size() < QualificationContinuation.MAX_KEPT) {
        kept.add(o);
      }
    }
    return new QualificationContinuation(nextCycle, t[0], t[1], t[2], kept, setup, sender);
  }

  /** Carried outcomes, then this run's. */
  private List<ScenarioOutcome> allOutcomes() {
    List<ScenarioOutcome> all = new ArrayList<>(carried);
    all.addAll(outcomes);
    return all;
  }

  /** Pass, fail and skip over the whole qualification (earlier runs included). */
  private int[] totals() {
    int pass = carriedPass;
    int fail = carriedFail;
    int skip = carriedSkip;
    for (ScenarioOutcome o : outcomes) {
      if ("pass".equals(o.result())) {
        pass++;
      } else if ("skip".equals(o.result()) && req.allowSkip()) {
        skip++;
      } else {
        fail++;
      }
    }
    return new int[] {pass, fail, skip};
  }

  private ScenarioOutcome runScenario(String name, RunSetupResult setup, NodeFacts sender,
      Promise<ScenarioOutcome>[] current) {
    String id = ScenarioWorkflow.workflowId(req.runId(), cycle, name);
    SearchAttributes attrs = SearchAttributes.newBuilder()
        .set(QualificationSearchAttributes.RUN_ID, req.runId())
        .set(QualificationSearchAttributes.CYCLE, (long) cycle)
        .set(QualificationSearchAttributes.SCENARIO, name)
        .set(QualificationSearchAttributes.GROUP, req.topology().groupA())
        .set(QualificationSearchAttributes.TOPOLOGY, req.topology().id())
        .set(QualificationSearchAttributes.VERDICT, "running")
        .build();
    String summary = name + " · cycle " + cycle + "/" + req.cycles() + " · " + req.runId();
    String details = "Scenario **" + name + "** of qualification `" + req.runId() + "` on topology `"
        + req.topology().id() + "` (sender " + req.topology().sender().name() + ", receiver "
        + req.topology().receiver().name() + ", group " + req.topology().groupA() + "). Deadline "
        + req.durationSeconds() + "s. Evidence: " + req.evidenceDir() + "/" + String.format("cycle-%03d/%s.json", cycle, name);
    ScenarioWorkflow child = Workflow.newChildWorkflowStub(ScenarioWorkflow.class,
        QualificationOptions.scenario(id, summary, details, attrs));
    current[0] = Async.function(child::run, new ScenarioRequest(req.runId(), req.commit(), cycle, name,
        req.durationSeconds(), req.evidenceDir(), req.topology(), req.timings(), sender.configDigest(), req.allowSkip()));
    try {
      return current[0].get();
    } catch (ChildWorkflowFailure e) {
      if (e.getCause() instanceof CanceledFailure) {
        throw (CanceledFailure) e.getCause();
      }
      // The scenario workflow itself failed (not an assertion): record it so no scenario is silent.
      String reason = "scenario workflow failed: " + message(e);
      log.warn("{}: {}", id, reason);
      return writeMissing(name, reason);
    }
  }

  /** Writes a fail file for a scenario that produced none (bash: "no evidence file produced"). */
  private ScenarioOutcome writeMissing(String name, String reason) {
    String now = ScenarioWorkflowImpl.iso(Workflow.currentTimeMillis());
    List<EvidenceField> f = List.of(
        new EvidenceField("runId", Json.str(req.runId())),
        new EvidenceField("commit", Json.str(req.commit())),
        new EvidenceField("cycle", Json.num(cycle)),
        new EvidenceField("scenario", Json.str(name)),
        new EvidenceField("result", Json.str("fail")),
        new EvidenceField("reason", Json.str(reason)),
        new EvidenceField("startedAt", Json.str(now)),
        new EvidenceField("endedAt", Json.str(now)));
    EvidenceActivities.EvidenceWriteResult w = Workflow.newActivityStub(EvidenceActivities.class,
            QualificationOptions.evidence("write fail evidence for " + name))
        .writeScenario(new ScenarioEvidence(req.evidenceDir(), cycle, name, f));
    return new ScenarioOutcome(cycle, name, "fail", reason, now, now, 0, List.of(), w.path(), w.sha256(), List.of());
  }

  private QualificationResult verdictOf(RunSetupResult setup, RunFinishResult fr, boolean cancelled) {
    // A scenario skips a check only under --allow-skip; without it the same outcome is a failure.
    int[] t = totals();
    int pass = t[0];
    int fail = t[1];
    int skip = t[2];
    List<String> gates = new ArrayList<>(fr.gateFailures());
    Verdict v;
    String reason;
    if (cancelled) {
      v = Verdict.FAIL;
      reason = "cancelled after " + outcomes.size() + " scenario(s)";
    } else if (fail > 0) {
      v = Verdict.FAIL;
      reason = fail + " scenario(s) failed";
    } else if (gates.stream().anyMatch(g -> g.startsWith("schema:") || g.startsWith("secretScan:"))) {
      v = Verdict.FAIL;
      reason = "evidence gates failed: " + String.join(", ", gates);
    } else if (!fr.missingEvidence().isEmpty()) {
      v = Verdict.INCOMPLETE;
      reason = "evidence missing: " + String.join(", ", fr.missingEvidence());
    } else if (!setup.provenanceComplete()) {
      v = Verdict.INCOMPLETE;
      reason = "provenance incomplete: " + String.join(", ", setup.problems());
    } else if (pass + skip == 0) {
      v = Verdict.INCOMPLETE;
      reason = "no scenario ran";
    } else {
      v = Verdict.PASS;
      reason = pass + " scenario(s) passed" + (skip > 0 ? ", " + skip + " skipped (--allow-skip)" : "");
    }
    return new QualificationResult(req.runId(), v, v.exitCode(), reason, pass, fail, gates, req.evidenceDir());
  }

  private String acquireLock() {
    String lockId = TopologyLockWorkflow.workflowId(req.topology().id());
    setDetail("acquiring topology lock " + lockId);
    lock = Workflow.newChildWorkflowStub(TopologyLockWorkflow.class,
        QualificationOptions.topologyLock(lockId, "lock on topology " + req.topology().id()));
    lockHeld = Async.procedure(lock::hold, Workflow.getInfo().getWorkflowId());
    try {
      Workflow.getWorkflowExecution(lock).get();
      return null;
    } catch (ChildWorkflowFailure e) {
      return "topology '" + req.topology().id() + "' is already being qualified (lock " + lockId + " is held)";
    }
  }

  private QualificationResult setupError(QualificationRequest r, String reason) {
    QualificationResult res = new QualificationResult(r == null ? "" : r.runId(), Verdict.SETUP_ERROR,
        Verdict.SETUP_ERROR.exitCode(), reason, 0, 0, List.of(), r == null ? "" : r.evidenceDir());
    finish(res);
    return res;
  }

  private void finish(QualificationResult res) {
    phase = "done";
    verdict = res.verdict().wireName();
    Workflow.upsertTypedSearchAttributes(QualificationSearchAttributes.VERDICT.valueSet(verdict));
    setDetail("verdict " + verdict + " (exit " + res.exitCode() + "): " + res.reason());
    Workflow.await(Workflow::isEveryHandlerFinished);
  }

  private void setDetail(String d) {
    detail = d;
    Workflow.setCurrentDetails(d);
  }

  private static String message(TemporalFailure e) {
    Throwable t = e;
    while (t.getCause() != null && !(t instanceof ApplicationFailure)) {
      t = t.getCause();
    }
    return t instanceof TemporalFailure tf ? tf.getOriginalMessage() : String.valueOf(t.getMessage());
  }

  @Override
  public QualificationProgress progress() {
    int[] t = totals();
    List<ScenarioOutcome> all = allOutcomes();
    List<String> recent = new ArrayList<>();
    for (int i = Math.max(0, all.size() - 8); i < all.size(); i++) {
      ScenarioOutcome o = all.get(i);
      recent.add(String.format("cycle-%03d/%s %s%s", o.cycle(), o.scenario(), o.result(),
          o.reason().isEmpty() ? "" : ": " + o.reason()));
    }
    int total = req == null || req.scenarios() == null ? 0 : req.cycles() * req.scenarios().size();
    return new QualificationProgress(req == null ? "" : req.runId(), phase, cycle,
        req == null ? 0 : req.cycles(), scenario, t[0] + t[1] + t[2], total, t[0], t[1] + t[2], detail, verdict, recent);
  }

  /**
   * The outcomes of the scenarios finished so far, in execution order. After a continue-as-new the
   * earlier runs' failures and latest outcomes are carried; every scenario's evidence file is on disk.
   */
  @Override
  public List<ScenarioOutcome> evidence() {
    return allOutcomes();
  }
}
