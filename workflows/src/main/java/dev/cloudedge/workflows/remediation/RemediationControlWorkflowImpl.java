package dev.cloudedge.workflows.remediation;

import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/** Holds the kill switch; see {@link RemediationControlWorkflow}. */
public final class RemediationControlWorkflowImpl implements RemediationControlWorkflow {
  private static final Logger LOG = Workflow.getLogger(RemediationControlWorkflowImpl.class);
  private static final int MAX_HISTORY = 50;
  private static final int CHANGES_PER_RUN = 200;

  private boolean frozen;
  private String by = "";
  private String reason = "";
  private long since;
  private final List<ChangeEntry> history = new ArrayList<>();
  private int changes;

  @Override
  public void control(SwitchState initial) {
    SwitchState s = initial == null ? SwitchState.initial() : initial;
    if (s.sinceEpochMillis() > 0 || s.frozen()) {
      frozen = s.frozen();
      by = s.by();
      reason = s.reason();
      since = s.sinceEpochMillis();
    }
    if (s.history() != null) {
      history.addAll(s.history());
    }
    Workflow.await(() -> changes >= CHANGES_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested());
    Workflow.await(Workflow::isEveryHandlerFinished);
    Workflow.continueAsNew(state());
  }

  @Override
  public void freeze(SwitchChange change) {
    apply(true, change);
  }

  @Override
  public void unfreeze(SwitchChange change) {
    apply(false, change);
  }

  private void apply(boolean freeze, SwitchChange change) {
    String who = change == null || change.by() == null || change.by().isBlank() ? "unknown" : change.by().trim();
    String why = change == null || change.reason() == null ? "" : change.reason();
    long now = Workflow.currentTimeMillis();
    if (frozen != freeze) {
      since = now;
    }
    frozen = freeze;
    by = who;
    reason = why;
    history.add(new ChangeEntry(freeze, who, why, now));
    while (history.size() > MAX_HISTORY) {
      history.remove(0);
    }
    changes++;
    LOG.info("remediation kill switch {} by {}: {}", freeze ? "frozen" : "unfrozen", who, why);
  }

  @Override
  public SwitchState state() {
    return new SwitchState(frozen, by, reason, since, List.copyOf(history));
  }
}
