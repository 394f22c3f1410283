package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The report's {@code federation} block (reference §2.6). Numbers come from the delivery summary
 * rows and the subscription runs; they stay 0 and {@code slo} is {@code null} (omitted) when the
 * state backend cannot summarize deliveries or the summary query failed.
 *
 * @param severityCounts federation checks by status
 * @param failedDeliveryCount failed delivery rows
 * @param staleTtlCount delivered rows with a stale TTL (JSON {@code staleTTLCount})
 * @param pendingDeliveryCount pending delivery rows
 * @param missingExpectedPeerCount FAIL checks named {@code ... expected delivery} (one per peer)
 * @param maxDeliveryLagSeconds the largest lag, at least 0
 * @param minExpiresInSeconds the smallest non-zero remaining TTL, 0 when none
 * @param totalEvents delivery rows (event × peer pairs) of active events
 * @param totalDelivered delivered rows
 * @param subscriptionRunsTotal subscription runs of the configured EventSubscriptions
 * @param subscriptionRunsSucceeded runs {@code succeeded}
 * @param subscriptionRunsFailed runs {@code failed}
 * @param subscriptionRunsPending runs in any other status
 * @param slo the per-group SLO status, or {@code null}
 */
@JsonPropertyOrder({"severityCounts", "failedDeliveryCount", "staleTTLCount", "pendingDeliveryCount",
    "missingExpectedPeerCount", "maxDeliveryLagSeconds", "minExpiresInSeconds", "totalEvents", "totalDelivered",
    "subscriptionRunsTotal", "subscriptionRunsSucceeded", "subscriptionRunsFailed", "subscriptionRunsPending", "slo"})
public record FederationSummary(
    SeverityCounts severityCounts,
    long failedDeliveryCount,
    @JsonProperty("staleTTLCount") long staleTtlCount,
    long pendingDeliveryCount,
    long missingExpectedPeerCount,
    long maxDeliveryLagSeconds,
    long minExpiresInSeconds,
    long totalEvents,
    long totalDelivered,
    long subscriptionRunsTotal,
    long subscriptionRunsSucceeded,
    long subscriptionRunsFailed,
    long subscriptionRunsPending,
    @JsonInclude(JsonInclude.Include.NON_NULL) SloReport slo) {}
