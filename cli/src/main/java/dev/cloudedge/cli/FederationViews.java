package dev.cloudedge.cli;

import dev.cloudedge.cli.output.Printer.Column;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.store.DeliveryRecord;
import dev.cloudedge.federation.store.DeliverySummary;
import dev.cloudedge.federation.store.EventRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the federation commands print: JSON/YAML shapes with lowerCamelCase keys and RFC 3339 times
 * ({@code null} when unset), and the table columns of routerctl (reference §6.4).
 */
final class FederationViews {
  private FederationViews() {}

  private static String time(Instant t) {
    return t == null ? null : GoTime.format(t);
  }

  /** An event as printed by {@code event emit} and {@code event list}. */
  record EventView(
      String id,
      String group,
      String sourceNode,
      String type,
      String subject,
      String dedupeKey,
      Map<String, String> payload,
      String observedAt,
      String expiresAt,
      String recordedAt) {
    static EventView of(EventRecord r) {
      FederationEvent e = r.event();
      return new EventView(e.id(), e.group(), e.sourceNode(), e.type(), e.subject(), e.dedupeKey(), e.payload(),
          time(e.observedAt()), time(e.expiresAt()), time(r.recordedAt()));
    }
  }

  /** A delivery row as printed by {@code event deliveries}. */
  record DeliveryView(
      String eventId,
      String peer,
      String status,
      int attempts,
      String lastAttemptAt,
      String lastError,
      String deliveredAt,
      String eventExpiresAt) {
    static DeliveryView of(DeliveryRecord d) {
      return new DeliveryView(d.eventId(), d.peer(), d.status(), d.attempts(), time(d.lastAttemptAt()),
          d.lastError(), time(d.deliveredAt()), time(d.eventExpiresAt()));
    }
  }

  /** A (group, peer) line as printed by {@code deliveries summary}. */
  record SummaryView(
      String group,
      String peer,
      long events,
      long delivered,
      long staleTTL,
      long failed,
      long pending,
      long maxLagSeconds,
      long minExpiresInSeconds) {
    static SummaryView of(DeliverySummary s) {
      return new SummaryView(s.group(), s.peer(), s.events(), s.delivered(), s.staleTtl(), s.failed(), s.pending(),
          s.maxLagSeconds(), s.minExpiresInSeconds());
    }
  }

  /** {@code ID GROUP SOURCE TYPE SUBJECT OBSERVED EXPIRES}. */
  static final List<Column<EventRecord>> EVENT_COLUMNS = List.of(
      new Column<>("ID", r -> r.event().id()),
      new Column<>("GROUP", r -> r.event().group()),
      new Column<>("SOURCE", r -> r.event().sourceNode()),
      new Column<>("TYPE", r -> r.event().type()),
      new Column<>("SUBJECT", r -> r.event().subject()),
      new Column<>("OBSERVED", r -> GoTime.formatSecondsOrDash(r.event().observedAt())),
      new Column<>("EXPIRES", r -> GoTime.formatSecondsOrDash(r.event().expiresAt())));

  /** {@code EVENT_ID PEER STATUS ATTEMPTS LAST_ATTEMPT LAST_ERROR DELIVERED}. */
  static final List<Column<DeliveryRecord>> DELIVERY_COLUMNS = List.of(
      new Column<>("EVENT_ID", DeliveryRecord::eventId),
      new Column<>("PEER", DeliveryRecord::peer),
      new Column<>("STATUS", DeliveryRecord::status),
      new Column<>("ATTEMPTS", d -> Integer.toString(d.attempts())),
      new Column<>("LAST_ATTEMPT", d -> GoTime.formatSecondsOrDash(d.lastAttemptAt())),
      new Column<>("LAST_ERROR", DeliveryRecord::lastError),
      new Column<>("DELIVERED", d -> GoTime.formatSecondsOrDash(d.deliveredAt())));

  /** {@code GROUP PEER EVENTS DELIVERED STALE_TTL FAILED PENDING MAX_LAG MIN_EXPIRES_IN}. */
  static final List<Column<DeliverySummary>> SUMMARY_COLUMNS = List.of(
      new Column<>("GROUP", DeliverySummary::group),
      new Column<>("PEER", DeliverySummary::peer),
      new Column<>("EVENTS", s -> Long.toString(s.events())),
      new Column<>("DELIVERED", s -> Long.toString(s.delivered())),
      new Column<>("STALE_TTL", s -> Long.toString(s.staleTtl())),
      new Column<>("FAILED", s -> Long.toString(s.failed())),
      new Column<>("PENDING", s -> Long.toString(s.pending())),
      new Column<>("MAX_LAG", s -> seconds(s.maxLagSeconds())),
      new Column<>("MIN_EXPIRES_IN", s -> seconds(s.minExpiresInSeconds())));

  /** A duration cell: {@code -} for 0, else a Go duration ({@code 2s}, {@code 29m0s}, {@code -1m0s}). */
  static String seconds(long s) {
    return s == 0 ? "-" : GoDuration.format(Duration.ofSeconds(s));
  }
}
