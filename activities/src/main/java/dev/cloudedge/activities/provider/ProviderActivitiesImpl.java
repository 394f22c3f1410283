package dev.cloudedge.activities.provider;

import dev.cloudedge.activities.node.NodeHost;
import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.provider.ActionEngine;
import dev.cloudedge.federation.provider.ActionException;
import dev.cloudedge.federation.provider.ActionJournal;
import dev.cloudedge.federation.provider.ActionRecord;
import dev.cloudedge.federation.provider.ActionStatus;
import dev.cloudedge.federation.provider.ExecutorResolver;
import dev.cloudedge.federation.provider.ImportResult;
import dev.cloudedge.federation.provider.JournalStateException;
import dev.cloudedge.federation.provider.JsonMaps;
import dev.cloudedge.federation.provider.PlanBatch;
import dev.cloudedge.federation.provider.ProviderActionPolicy;
import dev.cloudedge.federation.provider.exec.ExecutorRunner;
import dev.cloudedge.workflows.provider.ProviderActivities;
import dev.cloudedge.workflows.remediation.RemediationFailureType;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Provider action activities on the node that owns the journal: the provider action engine over
 * the node's state database, with the executors of the node's config (or the bundled ones) and the
 * config's {@code ProviderActionPolicy}, read fresh on every call.
 */
public final class ProviderActivitiesImpl implements ProviderActivities {
  private final NodeHost host;
  private final Path bundledExecutors;

  /**
   * @param host the node
   * @param bundledExecutors the bundled executors directory, or {@code null} for configured Plugins only
   */
  public ProviderActivitiesImpl(NodeHost host, Path bundledExecutors) {
    this.host = Objects.requireNonNull(host, "host");
    this.bundledExecutors = bundledExecutors;
  }

  private FederationConfig config() {
    try {
      return ConfigLoader.load(host.configFiles());
    } catch (ConfigException e) {
      throw RemediationFailureType.CONFIG.failure("node " + host.nodeName() + ": " + e.getMessage());
    }
  }

  private ProviderActionPolicy policy(FederationConfig cfg) {
    try {
      return ProviderActionPolicy.from(cfg);
    } catch (IllegalArgumentException e) {
      throw RemediationFailureType.CONFIG.failure(e.getMessage());
    }
  }

  private ActionEngine engine(FederationConfig cfg) {
    return new ActionEngine(new ActionJournal(host.runtime().store()), ExecutorResolver.from(cfg, bundledExecutors),
        new ExecutorRunner(System.getenv("PATH")), Clock.systemUTC(), ActionEngine.DEFAULT_STALE_RUNNING_TIMEOUT);
  }

  private ActionJournal journal() {
    return new ActionJournal(host.runtime().store());
  }

  static Step step(ActionRecord r) {
    return new Step(r.id(), r.idempotencyKey(), r.provider(), r.action(), r.status(),
        r.status().equals(ActionStatus.REJECTED) ? r.rejectReason() : r.resultMessage(), r.error(),
        r.observed().getOrDefault(ActionEngine.FAILURE_CLASS, ""), !r.undoJson().isBlank());
  }

  private Step load(long id) {
    return journal().get(id).map(ProviderActivitiesImpl::step)
        .orElseThrow(() -> RemediationFailureType.INVALID_REQUEST.failure("action " + id + " not found"));
  }

  @Override
  public List<Step> importPlans(ImportRequest request) {
    List<ActionPlan> plans;
    try {
      plans = JsonMaps.JSON.readValue(request.plansJson(),
          JsonMaps.JSON.getTypeFactory().constructCollectionType(List.class, ActionPlan.class));
    } catch (java.io.IOException e) {
      throw RemediationFailureType.INVALID_REQUEST.failure("plans: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (plans.isEmpty()) {
      throw RemediationFailureType.INVALID_REQUEST.failure("no action plans to import");
    }
    ImportResult res = engine(FederationConfig.of(List.of())).importPlans(List.of(new PlanBatch(request.source(), null, plans)));
    List<Step> out = new ArrayList<>();
    for (ActionPlan p : plans) {
      Optional<ActionRecord> r = journal().getByKey(p.idempotencyKey());
      if (r.isEmpty()) {
        throw RemediationFailureType.INVALID_REQUEST.failure("plan " + p.name() + " was not imported: " + res.summary()
            + (res.notes().isEmpty() ? "" : " " + res.notes()));
      }
      out.add(step(r.get()));
    }
    return out;
  }

  @Override
  public Gate gate(List<Long> ids) {
    ProviderActionPolicy policy = policy(config());
    List<String> denials = new ArrayList<>();
    for (long id : ids) {
      ActionRecord r = journal().get(id).orElseThrow(
          () -> RemediationFailureType.INVALID_REQUEST.failure("action " + id + " not found"));
      policy.deny(r.provider(), r.providerRef(), r.action(), r.target(), "execute")
          .ifPresent(reason -> denials.add(id + ": " + reason));
    }
    return new Gate(denials, policy.isAutoApprove(), policy.allowUndo());
  }

  @Override
  public List<Step> approve(Decision d) {
    List<Step> out = new ArrayList<>();
    for (long id : d.ids()) {
      ActionRecord r = journal().get(id).orElseThrow();
      if (r.status().equals(ActionStatus.PENDING)) {
        try {
          journal().approve(id, d.by(), Instant.now());
        } catch (JournalStateException e) {
          throw RemediationFailureType.INVALID_STATE.failure(e.getMessage());
        }
      }
      out.add(load(id));
    }
    return out;
  }

  @Override
  public List<Step> reject(Decision d) {
    List<Step> out = new ArrayList<>();
    for (long id : d.ids()) {
      ActionRecord r = journal().get(id).orElseThrow();
      if (r.status().equals(ActionStatus.PENDING) || r.status().equals(ActionStatus.APPROVED)) {
        journal().reject(id, d.by(), d.reason(), Instant.now());
      }
      out.add(load(id));
    }
    return out;
  }

  @Override
  public Step execute(long id) {
    FederationConfig cfg = config();
    ActionEngine engine = engine(cfg);
    ActionRecord before = journal().get(id).orElseThrow(
        () -> RemediationFailureType.INVALID_REQUEST.failure("action " + id + " not found"));
    if (before.status().equals(ActionStatus.RUNNING)) {
      // Left running by an attempt that died (this activity's heartbeat timed out): recovery requeues
      // it once it is stale, and the next attempt observes before acting, so no second assignment.
      engine.recoverStaleRunning();
      if (journal().get(id).orElseThrow().status().equals(ActionStatus.RUNNING)) {
        throw RemediationFailureType.TRANSIENT.failure("action " + id + " is running (an earlier attempt); waiting "
            + ActionEngine.DEFAULT_STALE_RUNNING_TIMEOUT + " for stale-running recovery");
      }
    }
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    try {
      ActionEngine.ExecuteOutcome o = engine.execute(id, "execute", policy(cfg),
          new ActionEngine.ExecuteOptions(true, () -> ctx.heartbeat(id)));
      Step done = step(o.record());
      if (done.status().equals(ActionStatus.FAILED) && "authorization".equals(done.failureClass())) {
        // Journaled failed; retrying cannot help until someone fixes the cloud permissions.
        throw RemediationFailureType.AUTHORIZATION.failure("action " + id + " (" + done.action()
            + ") refused by the cloud: " + (done.error().isEmpty() ? done.message() : done.error()));
      }
      return done;
    } catch (ActionException e) {
      throw switch (e.reason()) {
        case TRANSIENT -> RemediationFailureType.TRANSIENT.failure(e.getMessage());
        case POLICY_DENIED -> RemediationFailureType.POLICY_DENIED.failure(e.getMessage());
        case INVALID_REQUEST, NOT_FOUND -> RemediationFailureType.INVALID_REQUEST.failure(e.getMessage());
        case NO_EXECUTOR -> RemediationFailureType.CONFIG.failure(e.getMessage());
        default -> RemediationFailureType.INVALID_STATE.failure(e.getMessage());
      };
    } catch (IllegalStateException e) {
      throw RemediationFailureType.CONFIG.failure(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RemediationFailureType.TRANSIENT.failure("execute action " + id + " interrupted");
    }
  }

  @Override
  public Step undo(long id) {
    FederationConfig cfg = config();
    ProviderActionPolicy policy = policy(cfg);
    ActionRecord r = journal().get(id).orElseThrow(
        () -> RemediationFailureType.INVALID_REQUEST.failure("action " + id + " not found"));
    if (!r.status().equals(ActionStatus.SUCCEEDED)) {
      Step s = step(r);
      return new Step(s.id(), s.idempotencyKey(), s.provider(), s.action(), s.status(),
          "nothing to undo: action is " + r.status(), s.error(), s.failureClass(), s.hasUndo());
    }
    if (!policy.allowUndo()) {
      Step s = step(r);
      return new Step(s.id(), s.idempotencyKey(), s.provider(), s.action(), s.status(),
          "not undone: policy.allowUndo is false", s.error(), s.failureClass(), s.hasUndo());
    }
    // The undo may run as long as the executor's timeout (120 s for Azure); without heartbeats the
    // 30 s heartbeat timeout would fail it and start a second undo while the first still runs.
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    try {
      return step(engine(cfg).rollback(id, policy, () -> ctx.heartbeat(id)));
    } catch (ActionException e) {
      if (e.reason() == ActionException.Reason.ROLLBACK_FAILED && e.getMessage().contains("executor failed")) {
        throw RemediationFailureType.TRANSIENT.failure(e.getMessage());
      }
      Step s = load(id);
      return new Step(s.id(), s.idempotencyKey(), s.provider(), s.action(), s.status(), e.getMessage(), s.error(),
          s.failureClass(), s.hasUndo());
    } catch (IllegalStateException e) {
      throw RemediationFailureType.CONFIG.failure(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RemediationFailureType.TRANSIENT.failure("undo of action " + id + " interrupted");
    }
  }
}
