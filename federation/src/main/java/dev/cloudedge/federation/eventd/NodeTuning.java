package dev.cloudedge.federation.eventd;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.delivery.RetryPolicy;
import dev.cloudedge.federation.transport.PushClient;
import java.time.Duration;

/**
 * A node's daemon tunables, from its {@code EventNode} resource ({@code metadata.name} = the
 * node's name) or routerd's defaults when there is none: push every 10 s, prune every minute,
 * 3 attempts with 200 ms → 5 s backoff per pass, across-pass backoff capped at 5 m.
 *
 * @param pushInterval outbox tick
 * @param pruneInterval pruner tick
 * @param retry per-pass and across-pass retry
 * @param admin where {@code GET /metrics} is served (port 0: not served)
 * @param maxConnections open connections each receiver accepts; one more is answered 503 and closed
 * @param pushTimeout the bound on one push attempt (routerd's 30 s unless the EventNode sets one)
 */
public record NodeTuning(Duration pushInterval, Duration pruneInterval, RetryPolicy retry, Kinds.Admin admin,
    int maxConnections, Duration pushTimeout) {
  /** Connections per receiver when the EventNode sets none. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;
  public static final Duration DEFAULT_PUSH_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_PRUNE_INTERVAL = Duration.ofMinutes(1);

  /**
   * The tunables for {@code nodeName}.
   *
   * @throws EventdException naming the resource when a duration does not parse
   */
  public static NodeTuning of(FederationConfig config, String nodeName) {
    Kinds.EventNodeSpec spec = config.eventNode(nodeName).map(Kinds.EventNode::spec)
        .orElse(new Kinds.EventNodeSpec(null, "", "", null, null));
    String id = Kinds.CLOUDEDGE_API_VERSION + "/" + Kinds.EVENT_NODE + "/" + nodeName;
    Duration push = orDefault(parse(id, "pushInterval", spec.pushInterval()), DEFAULT_PUSH_INTERVAL);
    Duration prune = orDefault(parse(id, "pruneInterval", spec.pruneInterval()), DEFAULT_PRUNE_INTERVAL);
    Kinds.PushRetry pr = spec.pushRetry();
    RetryPolicy retry = new RetryPolicy(pr.maxAttempts(), parse(id, "pushRetry.baseBackoff", pr.baseBackoff()),
        parse(id, "pushRetry.maxBackoff", pr.maxBackoff()), push,
        parse(id, "pushRetry.maxTickBackoff", pr.maxTickBackoff()));
    int max = spec.receiver().maxConnections() > 0 ? spec.receiver().maxConnections() : DEFAULT_MAX_CONNECTIONS;
    Duration timeout = orDefault(parse(id, "pushTimeout", spec.pushTimeout()), PushClient.DEFAULT_TIMEOUT);
    return new NodeTuning(push, prune, retry, spec.admin(), max, timeout);
  }

  private static Duration parse(String id, String field, String text) {
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new EventdException(id + " spec." + field + " must be a Go duration: " + e.getMessage(), e);
    }
  }

  private static Duration orDefault(Duration d, Duration def) {
    return d.isZero() || d.isNegative() ? def : d;
  }
}
