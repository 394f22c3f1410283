package dev.cloudedge.worker.remediation;

import dev.cloudedge.workflows.provider.ProviderActionWorkflowImpl;
import dev.cloudedge.workflows.remediation.RemediationControlWorkflowImpl;
import dev.cloudedge.workflows.remediation.RemediationWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays checked-in histories of the remediation workflows: a change that breaks determinism
 * fails here and must go behind {@code Workflow.getVersion}. Regenerate with {@code
 * -Dcloudedge.writeHistory=$PWD/worker/src/test/resources} on {@link RemediationWorkflowTest} and {@link ProviderActionWorkflowTest}.
 */
class RemediationReplayTest {

  @Test
  void automaticRetryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("remediation-retry-history.json", RemediationWorkflowImpl.class);
  }

  @Test
  void approvalWithRefusedSignalsReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("remediation-approval-history.json",
        RemediationWorkflowImpl.class);
  }

  @Test
  void providerActionSagaReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("provider-action-saga-history.json",
        ProviderActionWorkflowImpl.class);
  }

  @Test
  void killSwitchReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("remediation-control-history.json",
        RemediationControlWorkflowImpl.class);
  }
}
