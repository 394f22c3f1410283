package dev.cloudedge.activities.node;

import dev.cloudedge.federation.doctor.DoctorState;
import dev.cloudedge.federation.store.DeliverySummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One snapshot of a state file, answered in a different row order per evaluation: the first read
 * of each question goes to the real state and is kept, later evaluations get the kept answer
 * shuffled with their own seed. The doctor's plan must not depend on that order (diff-stability).
 */
final class ShuffledDoctorState implements DoctorState {
  private final DoctorState real;
  private final Map<String, Object> kept = new HashMap<>();
  private Random random;

  ShuffledDoctorState(DoctorState real) {
    this.real = real;
  }

  /** Starts an evaluation: seed 0 answers in the state's own order, any other seed shuffles. */
  ShuffledDoctorState seed(long seed) {
    random = seed == 0 ? null : new Random(seed);
    return this;
  }

  @SuppressWarnings("unchecked")
  private <T> List<T> list(String key, Supplier<List<T>> read) {
    List<T> v = new ArrayList<>((List<T>) kept.computeIfAbsent(key, k -> List.copyOf(read.get())));
    if (random != null) {
      Collections.shuffle(v, random);
    }
    return v;
  }

  @Override
  public boolean supportsDeliverySummary() {
    return real.supportsDeliverySummary();
  }

  @Override
  public List<DeliverySummary> deliverySummary(long nowUnix) {
    return list("summary/" + nowUnix, () -> real.deliverySummary(nowUnix));
  }

  @Override
  public List<String> pendingDeliveryEventIds(String group, String peer) {
    return list("pending/" + group + "/" + peer, () -> real.pendingDeliveryEventIds(group, peer));
  }

  @Override
  public Set<String> deliveryEventIds(String group, String peer) {
    return new LinkedHashSet<>(list("ids/" + group + "/" + peer, () -> new ArrayList<>(real.deliveryEventIds(group, peer))));
  }

  @Override
  public List<ActiveEvent> activeEvents(String group, long nowUnix) {
    return list("active/" + group + "/" + nowUnix, () -> real.activeEvents(group, nowUnix));
  }

  @Override
  public List<SubscriptionRun> subscriptionRuns(String subscriptionKey) {
    return list("runs/" + subscriptionKey, () -> real.subscriptionRuns(subscriptionKey));
  }

  @Override
  public void close() {
    real.close();
  }
}
