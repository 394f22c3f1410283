package dev.cloudedge.worker.remediation;

import dev.cloudedge.workflows.remediation.RemediationActivities;
import dev.cloudedge.workflows.remediation.RemediationActivities.DiagnoseRequest;
import dev.cloudedge.workflows.remediation.RemediationOptions;
import dev.cloudedge.workflows.remediation.RemediationWorkflow;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Test only: a {@link RemediationWorkflow} changed the way a careless edit would change it — a
 * settling pause inserted before the first diagnosis, without {@code Workflow.getVersion}. Replaying
 * a checked-in history against it must fail ({@link RemediationReplayTest}); the decision handlers
 * are never reached by those histories.
 */
public final class AlteredRemediationWorkflowImpl implements RemediationWorkflow {

  @Override
  public RemediationResult remediate(RemediationRequest r) {
    Workflow.sleep(Duration.ofSeconds(5));
    RemediationActivities reads = Workflow.newActivityStub(RemediationActivities.class,
        RemediationOptions.nodeRead(r.node()));
    reads.diagnose(new DiagnoseRequest(r.group()));
    throw new UnsupportedOperationException("replay only");
  }

  @Override
  public void approve(Approval approval) {
    throw new UnsupportedOperationException("replay only");
  }

  @Override
  public void reject(Rejection rejection) {
    throw new UnsupportedOperationException("replay only");
  }

  @Override
  public Decision submitApproval(Approval approval) {
    throw new UnsupportedOperationException("replay only");
  }

  @Override
  public void validateApproval(Approval approval) {
    throw new UnsupportedOperationException("replay only");
  }

  @Override
  public Decision submitRejection(Rejection rejection) {
    throw new UnsupportedOperationException("replay only");
  }

  @Override
  public void validateRejection(Rejection rejection) {
    throw new UnsupportedOperationException("replay only");
  }

  @Override
  public RemediationStatus status() {
    throw new UnsupportedOperationException("replay only");
  }
}
