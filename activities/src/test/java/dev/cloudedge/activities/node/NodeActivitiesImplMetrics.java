package dev.cloudedge.activities.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cloudedge.workflows.qualification.NodeActivities.MetricsSnapshot;
import java.util.List;

final class NodeActivitiesImplMetrics {
  private NodeActivitiesImplMetrics() {}

  static void check() {
    MetricsSnapshot m = NodeActivitiesImpl.parseMetrics("""
        # HELP routerd_eventd_receiver_reject_total rejects
        # TYPE routerd_eventd_receiver_reject_total counter
        routerd_eventd_receiver_reject_total{group="a",reason="bad_signature"} 2
        routerd_eventd_receiver_reject_total{group="a",reason="stale_timestamp"} 1
        routerd_eventd_outbox_delivery_lag_seconds_bucket{group="a",peer="r",le="1.0"} 4
        routerd_eventd_outbox_delivery_total 5
        other_metric{x="y"} 9
        """);
    assertEquals(3.0, m.totals().get("routerd_eventd_receiver_reject_total"));
    assertEquals(5.0, m.totals().get("routerd_eventd_outbox_delivery_total"));
    assertEquals(null, m.totals().get("other_metric"));
    assertEquals(List.of("group", "peer", "reason"), m.labelNames());
  }
}
