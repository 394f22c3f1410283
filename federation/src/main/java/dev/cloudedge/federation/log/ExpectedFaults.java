package dev.cloudedge.federation.log;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults injected on purpose in this process (by a qualification scenario), so the components
 * that then fail can log the failure as what it is instead of raising an alarm: a subscription
 * failing while the scenario has made its plugin non-executable is expected, and says so at INFO.
 * The failure itself is still recorded as usual; only the log line changes.
 */
public final class ExpectedFaults {
  /** The kind of fault that makes plugin runs fail. */
  public static final String PLUGIN = "plugin";

  private static final Map<String, String> ACTIVE = new ConcurrentHashMap<>();

  private ExpectedFaults() {}

  /** Marks a fault of {@code kind} as applied on purpose, with what to say about it. */
  public static void begin(String kind, String description) {
    ACTIVE.put(kind, description);
  }

  /** Marks the fault of {@code kind} as rolled back. */
  public static void end(String kind) {
    ACTIVE.remove(kind);
  }

  /** What the applied fault of {@code kind} is, when there is one. */
  public static Optional<String> active(String kind) {
    return Optional.ofNullable(ACTIVE.get(kind));
  }
}
