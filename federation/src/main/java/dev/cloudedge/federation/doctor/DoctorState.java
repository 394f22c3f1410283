package dev.cloudedge.federation.doctor;

import dev.cloudedge.federation.store.DeliverySummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the doctor reads from the state database (reference §2.2, queries q1–q5). Implementations
 * are read-only; a query may fail with a {@link RuntimeException} whose message the doctor reports
 * in the affected check.
 */
public interface DoctorState extends AutoCloseable {

  /**
   * An active event of a group, as the expected-peer audit and the pending check see it.
   *
   * @param id the event id
   * @param sourceNode the emitting node as stored
   * @param expiresAt the expiry, or {@code null} for none
   */
  record ActiveEvent(String id, String sourceNode, Instant expiresAt) {}

  /**
   * One subscription run's status and attempts.
   *
   * @param status {@code pending}, {@code succeeded}, {@code failed} (or anything else, counted as pending)
   * @param attempts attempts made
   */
  record SubscriptionRun(String status, long attempts) {}

  /** Whether the backend can summarize deliveries (false for routerd's legacy JSON state file). */
  boolean supportsDeliverySummary();

  /** q1: per (group, peer) over active events, ordered by group, peer. */
  List<DeliverySummary> deliverySummary(long nowUnix);

  /** q2: event ids of the group's pending deliveries to {@code peer}, ordered by event id. */
  List<String> pendingDeliveryEventIds(String group, String peer);

  /** q3: event ids having a delivery row of any status to {@code peer} in the group. */
  Set<String> deliveryEventIds(String group, String peer);

  /** q4: the group's active events ({@code expires_at} null, 0 or at/after now), by observation time. */
  List<ActiveEvent> activeEvents(String group, long nowUnix);

  /** q5: runs of {@code EventSubscription/<name>}, full history, ordered by id. */
  List<SubscriptionRun> subscriptionRuns(String subscriptionKey);

  @Override
  void close();

  /**
   * Opens the state file for the doctor, never creating or migrating it: a missing file reads as
   * an empty store ("no federation delivery records"), a path ending in {@code .json} (routerd's
   * legacy JSON store) as a backend without a delivery summary, anything else as a SQLite database
   * opened read-only.
   *
   * @throws DoctorInputException naming the path when it exists but cannot be read as SQLite
   */
  static DoctorState open(Path stateFile) throws DoctorInputException {
    return SqliteDoctorState.openFor(stateFile);
  }
}
