package dev.cloudedge.federation.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.List;
import java.util.Objects;

/**
 * The 14 eventd metrics of reference §5 with routerd's names, instrument types and descriptions.
 * No units and no views, so histograms use the SDK's default buckets as routerd's do.
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
    deliveryLag = m.histogramBuilder(DELIVERY_LAG).setDescription("Time between event observation and delivery").build();
    reject = counter(m, REJECT_TOTAL, "Events rejected by the receiver");
    accepted = counter(m, ACCEPTED_TOTAL, "Events accepted by the receiver");
    duplicate = counter(m, DUPLICATE_TOTAL, "Duplicate events received");
    tick = counter(m, TICK_TOTAL, "Outbox loop iterations");
    tickErrors = counter(m, TICK_ERRORS_TOTAL, "Outbox loop iteration errors");
    tickDuration = m.histogramBuilder(TICK_DURATION).setDescription("Time per outbox loop iteration").build();
    prunerTick = counter(m, PRUNER_TICK_TOTAL, "Pruner loop iterations");
    prunerPruned = counter(m, PRUNER_PRUNED_TOTAL, "Events pruned by retention");
    prunerErrors = counter(m, PRUNER_TICK_ERRORS_TOTAL, "Pruner loop iteration errors");
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
