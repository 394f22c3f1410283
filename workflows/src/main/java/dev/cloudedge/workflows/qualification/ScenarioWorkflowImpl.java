package dev.cloudedge.workflows.qualification;

import dev.cloudedge.workflows.qualification.EvidenceActivities.EvidenceWriteResult;
import dev.cloudedge.workflows.qualification.EvidenceActivities.ScenarioRecord;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * One scenario of one cycle: validates the request, runs the scenario's script ({@link
 * ScenarioScript}) in its own cancellation scope under a timer of {@code durationSeconds}, and
 * whatever ends it (pass, a failed check, an activity failure, the deadline, a cancel) rolls back
 * and verifies every registered fault in a detached scope and hands the typed evidence record to
 * the evidence activity before it returns.
 */
public class ScenarioWorkflowImpl implements ScenarioWorkflow {
  /** The change id of the per-scenario scripts; histories without its marker run {@link ScenarioWorkflowV0}. */
  static final String SCRIPTS_CHANGE = "scenario-scripts";

  private ScenarioWorkflowV0 legacy;
  private ScenarioRequest req;
  private ScenarioContext ctx;
  private String result = "running";

  @Override
  public ScenarioOutcome run(ScenarioRequest request) {
    if (Workflow.getVersion(SCRIPTS_CHANGE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      legacy = new ScenarioWorkflowV0();
      return legacy.run(request);
    }
    if (request == null) {
      throw QualificationFailureType.INVALID_REQUEST.failure("scenario request is required");
    }
    this.req = request;
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      throw QualificationFailureType.INVALID_REQUEST.failure(String.join("; ", problems));
    }
    Scenario scenario = Scenario.fromWireName(request.scenario());
    Workflow.upsertTypedSearchAttributes(
        QualificationSearchAttributes.RUN_ID.valueSet(req.runId()),
        QualificationSearchAttributes.CYCLE.valueSet((long) req.cycle()),
        QualificationSearchAttributes.SCENARIO.valueSet(scenario.wireName()),
        QualificationSearchAttributes.GROUP.valueSet(req.topology().groupA()),
        QualificationSearchAttributes.TOPOLOGY.valueSet(req.topology().id()),
        QualificationSearchAttributes.VERDICT.valueSet("running"));

    ctx = new ScenarioContext(req, scenario, Workflow.currentTimeMillis());
    ScenarioScript script = ScenarioScript.of(scenario);
    Promise<Void>[] body = new Promise[1];
    CancellationScope bodyScope = Workflow.newCancellationScope(() -> body[0] = Async.procedure(script::run, ctx));
    bodyScope.run();

    String endReason = null;
    try {
      boolean finished = Workflow.await(Duration.ofSeconds(req.durationSeconds()), () -> body[0].isCompleted());
      if (!finished) {
        endReason = "deadline exceeded (" + req.durationSeconds() + "s) during step: " + ctx.step;
        bodyScope.cancel(endReason);
      }
    } catch (CanceledFailure e) {
      endReason = "cancelled during step: " + ctx.step;
    }
    String cancelReason = endReason;
    ScenarioOutcome[] outcome = new ScenarioOutcome[1];
    // Detached: runs to the end even when the workflow itself is being cancelled.
    Workflow.newDetachedCancellationScope(() -> {
          Workflow.await(() -> body[0].isCompleted());
          String failReason = cancelReason != null ? cancelReason : reasonOf(body[0].getFailure());
          ctx.compensateAll();
          for (ScenarioContext.Fault f : ctx.faults) {
            if (f.applied && !f.rollbackVerified && failReason == null) {
              failReason = f.kind + " rollback on " + f.node.name() + " not verified: " + f.detail;
            }
          }
          String reason = failReason;
          if (failReason != null) {
            result = "fail";
          } else if (!ctx.skips.isEmpty()) {
            result = "skip";
            reason = String.join("; ", ctx.skips);
          } else {
            result = "pass";
          }
          outcome[0] = writeEvidence(script.evidence(), reason);
        })
        .run();
    Workflow.upsertTypedSearchAttributes(QualificationSearchAttributes.VERDICT.valueSet(result));
    Workflow.setCurrentDetails(scenario.wireName() + ": " + result
        + (outcome[0].reason().isEmpty() ? "" : " — " + outcome[0].reason()));
    Workflow.await(Workflow::isEveryHandlerFinished);
    return outcome[0];
  }

  @Override
  public ScenarioProgress progress() {
    if (legacy != null) {
      return legacy.progress();
    }
    return new ScenarioProgress(
        ctx == null ? "" : ctx.scenario.wireName(),
        req == null ? 0 : req.cycle(),
        ctx == null ? "starting" : ctx.step,
        result,
        ctx == null ? List.of() : ctx.faultRecords(),
        ctx == null ? "" : iso(ctx.deadlineAtMillis));
  }

  private ScenarioOutcome writeEvidence(ScenarioDetails details, String reason) {
    long ended = Workflow.currentTimeMillis();
    String name = ctx.scenario.wireName();
    List<FaultRecord> records = ctx.faultRecords();
    ctx.step("write evidence");
    EvidenceActivities evidence = Workflow.newActivityStub(EvidenceActivities.class,
        QualificationOptions.evidence("write cycle-" + String.format("%03d", req.cycle()) + "/" + name + ".json"));
    EvidenceWriteResult written = evidence.writeScenarioRecord(new ScenarioRecord(req.evidenceDir(), req.runId(),
        req.commit(), req.cycle(), name, result, reason == null ? "" : reason, iso(ctx.startedMillis), iso(ended), records,
        req.durationSeconds(), (ended - ctx.startedMillis) / 1000, details));
    List<String> gates = new ArrayList<>();
    for (String s : written.schemaErrors()) {
      gates.add("schema:" + written.path() + ": " + s);
    }
    for (String s : written.secretHits()) {
      gates.add("secretScan:" + written.path() + ": " + s);
    }
    ctx.step("done");
    return new ScenarioOutcome(req.cycle(), name, result, reason == null ? "" : reason, iso(ctx.startedMillis), iso(ended),
        (ended - ctx.startedMillis) / 1000, records, written.path(), written.sha256(), gates);
  }

  /** A failure's reason for the evidence: a failed check's message, or the activity and its error. */
  static String reasonOf(RuntimeException failure) {
    if (failure == null) {
      return null;
    }
    if (failure instanceof ScenarioFailed) {
      return failure.getMessage();
    }
    Throwable t = failure;
    StringBuilder b = new StringBuilder();
    if (t instanceof ActivityFailure af) {
      b.append("activity ").append(af.getActivityType()).append(" failed: ");
      t = af.getCause() == null ? af : af.getCause();
    }
    if (t instanceof ApplicationFailure ap) {
      b.append(ap.getOriginalMessage()).append(" (").append(ap.getType()).append(')');
    } else if (t instanceof TemporalFailure tf) {
      b.append(tf.getOriginalMessage());
    } else {
      b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return b.toString();
  }

  static String iso(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
