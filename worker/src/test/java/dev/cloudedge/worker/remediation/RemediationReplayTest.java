package dev.cloudedge.worker.remediation;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.workflows.provider.ProviderActionWorkflowImpl;
import dev.cloudedge.workflows.remediation.RemediationControlWorkflowImpl;
import dev.cloudedge.workflows.remediation.RemediationWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the checked-in histories of the remediation workflows, one per path, against today's
 * code: a change that breaks determinism fails here and must go behind {@code Workflow.getVersion}.
 * The histories without a version marker were recorded before {@code first-diagnosis-pickup-timeout}
 * and keep that old path covered. Record a new history with {@link HistoryRecorder} (see
 * CONTRIBUTING.md); existing ones are never regenerated.
 */
class RemediationReplayTest {

  @ParameterizedTest
  @ValueSource(strings = {
      // recorded before first-diagnosis-pickup-timeout (signals only)
      "remediation-retry-history.json",
      "remediation-approval-history.json",
      // version 1: the pickup timeout; approvals by update and by signal
      "remediation-auto-history.json",
      "remediation-approved-update-history.json",
      "remediation-approved-signal-history.json",
      "remediation-rejected-history.json",
      "remediation-timeout-history.json",
      "remediation-frozen-history.json",
      "remediation-no-such-group-history.json"})
  void remediationPathReplays(String history) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(history, RemediationWorkflowImpl.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "provider-action-saga-history.json",
      "provider-action-auto-history.json",
      "provider-action-approved-history.json",
      "provider-action-denied-history.json",
      "provider-action-compensated-history.json"})
  void providerActionPathReplays(String history) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(history, ProviderActionWorkflowImpl.class);
  }

  @Test
  void killSwitchReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("remediation-control-history.json",
        RemediationControlWorkflowImpl.class);
  }

  /** The replay tests can fail: an unversioned change to the workflow is caught as nondeterminism. */
  @ParameterizedTest
  @ValueSource(strings = {"remediation-auto-history.json", "remediation-retry-history.json"})
  void anUnversionedChangeIsCaughtAsNondeterminism(String history) {
    Exception e = assertThrows(Exception.class,
        () -> WorkflowReplayer.replayWorkflowExecutionFromResource(history, AlteredRemediationWorkflowImpl.class));
    // The replayer reports the worker's NonDeterministicException inside its query-failure message.
    boolean nondeterministic = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      nondeterministic |= t instanceof NonDeterministicException
          || String.valueOf(t.getMessage()).contains(NonDeterministicException.class.getName() + ": [TMPRL1100]");
    }
    assertTrue(nondeterministic, "not a nondeterminism error: " + e);
    assertTrue(e.getMessage().contains("does not match command type COMMAND_TYPE_START_TIMER"), e.getMessage());
  }
}
