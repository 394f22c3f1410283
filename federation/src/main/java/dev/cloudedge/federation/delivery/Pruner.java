package dev.cloudedge.federation.delivery;

import dev.cloudedge.federation.metrics.EventdMetrics;
import dev.cloudedge.federation.store.FederationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention for one EventGroup (reference §3.8): deletes rows observed before {@code now − maxAge}
 * and all but the newest {@code maxEvents}; zero means unlimited; delivery rows are kept.
 */
public final class Pruner {
  private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);

  /**
   * @param group the EventGroup
   * @param maxAge zero for unlimited
   * @param maxEvents zero for unlimited
   */
  public record Retention(String group, Duration maxAge, int maxEvents) {
    public Retention {
      Objects.requireNonNull(group, "group");
      maxAge = maxAge == null || maxAge.isNegative() ? Duration.ZERO : maxAge;
      maxEvents = Math.max(0, maxEvents);
    }
  }

  private final FederationStore store;
  private final EventdMetrics metrics;
  private final Clock clock;
  private final Supplier<Retention> retention;

  /** @param retention read on every prune, so a reload applies at the next tick */
  public Pruner(FederationStore store, EventdMetrics metrics, Clock clock, Supplier<Retention> retention) {
    this.store = Objects.requireNonNull(store, "store");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retention = Objects.requireNonNull(retention, "retention");
  }

  /**
   * Prunes once and records the pruner metrics.
   *
   * @return rows deleted
   * @throws dev.cloudedge.federation.store.StoreException on a store error (after counting it)
   */
  public int pruneOnce() {
    Retention r = retention.get();
    try {
      int n = store.pruneEvents(r.group(), r.maxAge(), r.maxEvents(), clock.instant());
      metrics.prunerTick(r.group(), n, false);
      return n;
    } catch (RuntimeException e) {
      metrics.prunerTick(r.group(), 0, true);
      throw e;
    }
  }

  /** The tick: prunes and logs an error instead of throwing. */
  public void tick() {
    try {
      pruneOnce();
    } catch (RuntimeException e) {
      LOG.warn("eventd: prune error: group={}: {}", retention.get().group(), e.getMessage());
    }
  }
}
