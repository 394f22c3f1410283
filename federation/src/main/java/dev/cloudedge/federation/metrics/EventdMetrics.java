package dev.cloudedge.federation.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The 14 eventd metrics of reference §5 with routerd's names, instrument types and descriptions.
 * No units, as routerd. Unlike routerd (SDK default buckets 0, 5, 10 … 10000, meaningless for a
 * seconds value), both histograms advise {@link #SECONDS_BUCKETS}. {@link #prime} exports every
 * series whose labels are known at start-up at zero, so a {@code rate()} sees the first increment.
 *
 * <p>Label policy: the only attribute keys ever written are {@code group}, {@code peer},
 * {@code event_type}, {@code status} and {@code reason}. Ids, subjects, addresses, endpoints and
 * error texts never become labels (they would explode cardinality and could leak data).
 */
public final class EventdMetrics {
  /** The instrumentation scope name routerd uses. */
  public static final String SCOPE = "routerd-eventd";

  public static final AttributeKey<String> GROUP = AttributeKey.stringKey("group");
  public static final AttributeKey<String> PEER = AttributeKey.stringKey("peer");
  public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("event_type");
  public static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
  public static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

  /** Every attribute key a metric may carry. */
  public static final List<AttributeKey<String>> ALLOWED_KEYS = List.of(GROUP, PEER, EVENT_TYPE, STATUS, REASON);

  public static final String DELIVERY_TOTAL = "routerd_eventd_outbox_delivery_total";
  public static final String DELIVERY_ATTEMPTS_TOTAL = "routerd_eventd_outbox_delivery_attempts_total";
  public static final String REPUSH_TOTAL = "routerd_eventd_outbox_repush_total";
  public static final String STALE_TTL_TOTAL = "routerd_eventd_outbox_stale_ttl_delivery_total";
  public static final String DELIVERY_LAG = "routerd_eventd_outbox_delivery_lag_seconds";
  public static final String REJECT_TOTAL = "routerd_eventd_receiver_reject_total";
  public static final String ACCEPTED_TOTAL = "routerd_eventd_receiver_accepted_total";
  public static final String DUPLICATE_TOTAL = "routerd_eventd_receiver_duplicate_total";
  public static final String TICK_TOTAL = "routerd_eventd_outbox_tick_total";
  public static final String TICK_ERRORS_TOTAL = "routerd_eventd_outbox_tick_errors_total";
  public static final String TICK_DURATION = "routerd_eventd_outbox_tick_duration_seconds";
  public static final String PRUNER_TICK_TOTAL = "routerd_eventd_pruner_tick_total";
  public static final String PRUNER_PRUNED_TOTAL = "routerd_eventd_pruner_pruned_total";
  public static final String PRUNER_TICK_ERRORS_TOTAL = "routerd_eventd_pruner_tick_errors_total";

  /**
   * Histogram bucket upper bounds in seconds (CloudEdge): 0.5 ms to 10 min, so {@code
   * histogram_quantile} resolves a sub-millisecond outbox tick as well as a delivery lag around the
   * FederationSLO's 60 s / 180 s thresholds.
   */
  public static final List<Double> SECONDS_BUCKETS = List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 180.0, 300.0, 600.0);

  /** Every {@code reason} the receiver counts (routerd's, then CloudEdge's). */
  public static final List<String> REJECT_REASONS = List.of("read_body", "bad_timestamp", "stale_timestamp",
      "bad_signature", "bad_body", "validation", "store_error", "body_too_large", "too_many_connections",
      "malformed_request", "receiver_busy");

  /** The delivery statuses of {@link #DELIVERY_TOTAL} and {@link #DELIVERY_ATTEMPTS_TOTAL}. */
  public static final List<String> DELIVERY_STATUSES = List.of("delivered", "failed");

  /**
   * A histogram series exported at zero until its first record (the SDK exports a histogram
   * series only once recorded).
   *
   * @param name the metric name
   * @param description its description
   * @param attributes the series' labels (empty when they are not known yet)
   * @param bounds the bucket upper bounds
   */
  public record ZeroHistogram(String name, String description, Attributes attributes, List<Double> bounds) {}

  /**
   * A peer as the start-up series see it.
   *
   * @param peer the peer's node name (the {@code peer} label)
   * @param eventTypes the peer's {@code types} filter; empty when it takes every type (then the
   *     {@code event_type} label values are not known before the first event)
   */
  public record PeerSeries(String peer, List<String> eventTypes) {
    public PeerSeries {
      Objects.requireNonNull(peer, "peer");
      eventTypes = List.copyOf(eventTypes);
    }
  }

  private static final String LAG_DESCRIPTION = "Time between event observation and delivery";
  private static final String TICK_DURATION_DESCRIPTION = "Time per outbox loop iteration";

  private final Set<ZeroHistogram> zeroHistograms = java.util.Collections.synchronizedSet(new LinkedHashSet<>());

  private final LongCounter deliveryTotal;
  private final LongCounter deliveryAttempts;
  private final LongCounter repush;
  private final LongCounter staleTtl;
  private final DoubleHistogram deliveryLag;
  private final LongCounter reject;
  private final LongCounter accepted;
  private final LongCounter duplicate;
  private final LongCounter tick;
  private final LongCounter tickErrors;
  private final DoubleHistogram tickDuration;
  private final LongCounter prunerTick;
  private final LongCounter prunerPruned;
  private final LongCounter prunerErrors;

  /** Creates the instruments on {@code provider}'s {@value #SCOPE} meter. */
  public EventdMetrics(MeterProvider provider) {
    Meter m = Objects.requireNonNull(provider, "provider").get(SCOPE);
    deliveryTotal = counter(m, DELIVERY_TOTAL, "Total outbox delivery results by status");
    deliveryAttempts = counter(m, DELIVERY_ATTEMPTS_TOTAL, "Total outbox delivery attempts");
    repush = counter(m, REPUSH_TOTAL, "Events re-pushed due to TTL refresh");
    staleTtl = counter(m, STALE_TTL_TOTAL, "Deliveries detected with stale TTL before re-push");
    deliveryLag = m.histogramBuilder(DELIVERY_LAG).setDescription(LAG_DESCRIPTION)
        .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS).build();
    reject = counter(m, REJECT_TOTAL, "Events rejected by the receiver");
    accepted = counter(m, ACCEPTED_TOTAL, "Events accepted by the receiver");
    duplicate = counter(m, DUPLICATE_TOTAL, "Duplicate events received");
    tick = counter(m, TICK_TOTAL, "Outbox loop iterations");
    tickErrors = counter(m, TICK_ERRORS_TOTAL, "Outbox loop iteration errors");
    tickDuration = m.histogramBuilder(TICK_DURATION).setDescription(TICK_DURATION_DESCRIPTION)
        .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS).build();
    prunerTick = counter(m, PRUNER_TICK_TOTAL, "Pruner loop iterations");
    prunerPruned = counter(m, PRUNER_PRUNED_TOTAL, "Events pruned by retention");
    prunerErrors = counter(m, PRUNER_TICK_ERRORS_TOTAL, "Pruner loop iteration errors");
  }

  /**
   * Exports, at zero, every series of a hosted group whose labels are known before any traffic:
   * the group's receiver, outbox and pruner counters (each reject {@code reason}), and per peer
   * with a {@code types} filter its delivery, re-push and stale-TTL counters and lag histogram for
   * each type and status. A metric with no series known yet (every peer takes every type, or
   * there is no peer) is exported as one series without labels. Idempotent; call again when the
   * peers change.
   */
  public void prime(String group, List<PeerSeries> peers) {
    Attributes g = groupOnly(group);
    for (LongCounter c : List.of(accepted, duplicate, tick, tickErrors, prunerTick, prunerPruned, prunerErrors)) {
      c.add(0, g);
    }
    for (String reason : REJECT_REASONS) {
      reject.add(0, Attributes.of(GROUP, group, REASON, reason));
    }
    zeroHistograms.add(new ZeroHistogram(TICK_DURATION, TICK_DURATION_DESCRIPTION, g, SECONDS_BUCKETS));
    List<Attributes> typed = new ArrayList<>();
    for (PeerSeries p : peers) {
      for (String type : p.eventTypes()) {
        typed.add(peerType(group, p.peer(), type));
      }
    }
    if (typed.isEmpty()) {
      primeUnlabelled();
      return;
    }
    for (Attributes a : typed) {
      repush.add(0, a);
      staleTtl.add(0, a);
      zeroHistograms.add(new ZeroHistogram(DELIVERY_LAG, LAG_DESCRIPTION, a, SECONDS_BUCKETS));
      for (String status : DELIVERY_STATUSES) {
        Attributes withStatus = a.toBuilder().put(STATUS, status).build();
        deliveryTotal.add(0, withStatus);
        deliveryAttempts.add(0, withStatus);
      }
    }
  }

  private void primeUnlabelled() {
    for (LongCounter c : List.of(deliveryTotal, deliveryAttempts, repush, staleTtl)) {
      c.add(0, Attributes.empty());
    }
    zeroHistograms.add(new ZeroHistogram(DELIVERY_LAG, LAG_DESCRIPTION, Attributes.empty(), SECONDS_BUCKETS));
  }

  /** The histogram series {@link #prime} declared, for the Prometheus reader to show at zero until recorded. */
  public List<ZeroHistogram> zeroHistograms() {
    synchronized (zeroHistograms) {
      return List.copyOf(zeroHistograms);
    }
  }

  private static LongCounter counter(Meter m, String name, String description) {
    return m.counterBuilder(name).setDescription(description).build();
  }

  private static Attributes groupOnly(String group) {
    return Attributes.of(GROUP, group);
  }

  private static Attributes peerType(String group, String peer, String eventType) {
    return Attributes.of(GROUP, group, PEER, peer, EVENT_TYPE, eventType);
  }

  /** #1 and #2: one (event, peer) pass outcome and the POSTs it took; {@code status} is delivered or failed. */
  public void deliveryResult(String group, String peer, String eventType, String status, int attempts) {
    Attributes a = Attributes.of(GROUP, group, PEER, peer, EVENT_TYPE, eventType, STATUS, status);
    deliveryTotal.add(1, a);
    if (attempts > 0) {
      deliveryAttempts.add(attempts, a);
    }
  }

  /** #3 and #4 together: a delivered row with an older expiry than the event's, detected before the re-push. */
  public void staleTtlDetected(String group, String peer, String eventType) {
    Attributes a = peerType(group, peer, eventType);
    staleTtl.add(1, a);
    repush.add(1, a);
  }

  /** #5: seconds from observation to delivery; ignored when negative. */
  public void deliveryLag(String group, String peer, String eventType, double seconds) {
    if (seconds >= 0) {
      deliveryLag.record(seconds, peerType(group, peer, eventType));
    }
  }

  /** #6: a receiver rejection, labelled with the receiver's configured group. */
  public void rejected(String group, String reason) {
    reject.add(1, Attributes.of(GROUP, group, REASON, reason));
  }

  /** #7. */
  public void accepted(String group) {
    accepted.add(1, groupOnly(group));
  }

  /** #8. */
  public void duplicate(String group) {
    duplicate.add(1, groupOnly(group));
  }

  /** #9, #10 and #11: one outbox pass. */
  public void outboxTick(String group, double seconds, boolean error) {
    Attributes a = groupOnly(group);
    tick.add(1, a);
    if (error) {
      tickErrors.add(1, a);
    }
    tickDuration.record(Math.max(0, seconds), a);
  }

  /** #12, #13 and #14: one prune; {@code pruned} is added only when positive and there was no error. */
  public void prunerTick(String group, long pruned, boolean error) {
    Attributes a = groupOnly(group);
    prunerTick.add(1, a);
    if (error) {
      prunerErrors.add(1, a);
    } else if (pruned > 0) {
      prunerPruned.add(pruned, a);
    }
  }
}
