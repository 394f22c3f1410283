package dev.cloudedge.workflows.qualification;

/**
 * One scenario: a deterministic script over the shared {@link ScenarioContext}. It throws {@link
 * ScenarioFailed} naming the violated property when a check does not hold; its evidence record
 * keeps what was checked up to there.
 */
interface ScenarioScript {
  /** The evidence record this script fills (the same instance before, during and after {@link #run}). */
  ScenarioDetails evidence();

  /** Runs the scenario. */
  void run(ScenarioContext ctx);

  /** A script and the record it fills, created with it. */
  abstract class WithEvidence<E extends ScenarioDetails> implements ScenarioScript {
    protected final E ev;

    WithEvidence(E ev) {
      this.ev = ev;
    }

    @Override
    public E evidence() {
      return ev;
    }
  }

  /** The script of {@code scenario}. */
  static ScenarioScript of(Scenario scenario) {
    return switch (scenario) {
      case HEALTHY -> new HealthyScenario();
      case PARTITION -> new PartitionScenario();
      case TTL_REFRESH -> new TtlRefreshScenario();
      case RESTART -> new RestartScenario();
      case SUBSCRIPTION -> new SubscriptionScenario();
      case CONFIG_FAULT -> new ConfigFaultScenario();
      case SECURITY -> new SecurityScenario();
      case MULTI_GROUP -> new MultiGroupScenario();
    };
  }
}
