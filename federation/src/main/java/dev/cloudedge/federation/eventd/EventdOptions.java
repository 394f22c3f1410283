package dev.cloudedge.federation.eventd;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.delivery.DeliveryListener;
import dev.cloudedge.federation.metrics.Telemetry;
import dev.cloudedge.federation.store.FederationStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start an {@link EventdRuntime}: the node's configuration and state file plus optional
 * overrides. Build with {@link #builder(FederationConfig, Path)}.
 *
 * @param config the node's resources (EventGroups with {@code auth.secretFile} are hosted)
 * @param stateFile the SQLite state file
 * @param adminAddress where to serve {@code GET /metrics}; {@code null} uses the EventNode's {@code spec.admin}
 * @param clock the runtime's clock (tests inject a controllable one)
 * @param extensions capabilities hosted next to the receivers (started in order, closed in reverse)
 * @param deliveryListener told about every delivery outcome (the bench measures lag with it)
 * @param telemetry the meter provider; {@code null} builds one from the process environment (OTLP when asked)
 * @param durability SQLite durability; FULL unless a test or bench says otherwise
 * @param listenOverrides per group, an address to bind instead of {@code spec.listen} (port 0 picks a free port)
 * @param idleTimeout a receiver connection silent this long is closed
 * @param readTimeout a request must arrive completely within this long
 * @param shutdownGrace how long {@link EventdRuntime#close()} lets requests and pushes in flight finish
 * @param backgroundLoops whether outbox and pruner ticks run by themselves (tests drive passes by hand)
 */
public record EventdOptions(
    FederationConfig config,
    Path stateFile,
    InetSocketAddress adminAddress,
    Clock clock,
    List<EventdExtension> extensions,
    DeliveryListener deliveryListener,
    Telemetry telemetry,
    FederationStore.Durability durability,
    Map<String, InetSocketAddress> listenOverrides,
    Duration idleTimeout,
    Duration readTimeout,
    Duration shutdownGrace,
    boolean backgroundLoops) {

  public EventdOptions {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(stateFile, "stateFile");
    clock = clock == null ? Clock.systemUTC() : clock;
    extensions = List.copyOf(extensions == null ? List.of() : extensions);
    deliveryListener = deliveryListener == null ? DeliveryListener.NONE : deliveryListener;
    durability = durability == null ? FederationStore.Durability.FULL : durability;
    listenOverrides = Map.copyOf(listenOverrides == null ? Map.of() : listenOverrides);
    idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
    readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
    shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(5) : shutdownGrace;
  }

  /** A builder with the defaults: system clock, FULL durability, background loops on. */
  public static Builder builder(FederationConfig config, Path stateFile) {
    return new Builder(config, stateFile);
  }

  /** A copy with another configuration (used by reload). */
  public EventdOptions withConfig(FederationConfig next) {
    return new EventdOptions(next, stateFile, adminAddress, clock, extensions, deliveryListener, telemetry, durability,
        listenOverrides, idleTimeout, readTimeout, shutdownGrace, backgroundLoops);
  }

  /** Builds {@link EventdOptions}. */
  public static final class Builder {
    private final FederationConfig config;
    private final Path stateFile;
    private InetSocketAddress adminAddress;
    private Clock clock;
    private final List<EventdExtension> extensions = new ArrayList<>();
    private DeliveryListener deliveryListener;
    private Telemetry telemetry;
    private FederationStore.Durability durability;
    private final Map<String, InetSocketAddress> listenOverrides = new HashMap<>();
    private Duration idleTimeout;
    private Duration readTimeout;
    private Duration shutdownGrace;
    private boolean backgroundLoops = true;

    private Builder(FederationConfig config, Path stateFile) {
      this.config = config;
      this.stateFile = stateFile;
    }

    public Builder adminAddress(InetSocketAddress a) {
      this.adminAddress = a;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder extension(EventdExtension e) {
      this.extensions.add(Objects.requireNonNull(e, "extension"));
      return this;
    }

    public Builder deliveryListener(DeliveryListener l) {
      this.deliveryListener = l;
      return this;
    }

    public Builder telemetry(Telemetry t) {
      this.telemetry = t;
      return this;
    }

    public Builder durability(FederationStore.Durability d) {
      this.durability = d;
      return this;
    }

    /** Binds {@code group}'s receiver at {@code address} instead of its {@code spec.listen}. */
    public Builder listen(String group, InetSocketAddress address) {
      this.listenOverrides.put(group, address);
      return this;
    }

    public Builder idleTimeout(Duration d) {
      this.idleTimeout = d;
      return this;
    }

    public Builder readTimeout(Duration d) {
      this.readTimeout = d;
      return this;
    }

    public Builder shutdownGrace(Duration d) {
      this.shutdownGrace = d;
      return this;
    }

    public Builder backgroundLoops(boolean on) {
      this.backgroundLoops = on;
      return this;
    }

    public EventdOptions build() {
      return new EventdOptions(config, stateFile, adminAddress, clock, extensions, deliveryListener, telemetry,
          durability, listenOverrides, idleTimeout, readTimeout, shutdownGrace, backgroundLoops);
    }
  }
}
