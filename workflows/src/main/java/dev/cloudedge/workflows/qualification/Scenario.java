package dev.cloudedge.workflows.qualification;

import java.util.ArrayList;
import java.util.List;

/** The eight qualification scenarios, in canonical order (reference §2). */
public enum Scenario {
  HEALTHY("healthy"),
  PARTITION("partition"),
  TTL_REFRESH("ttl-refresh"),
  RESTART("restart"),
  SUBSCRIPTION("subscription"),
  CONFIG_FAULT("config-fault"),
  SECURITY("security"),
  MULTI_GROUP("multi-group");

  private final String wireName;

  Scenario(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in flags, evidence file names and workflow ids. */
  public String wireName() {
    return wireName;
  }

  /** Whether the scenario injects a fault that must be rolled back. */
  public boolean injectsFault() {
    return this == PARTITION || this == TTL_REFRESH || this == RESTART || this == SUBSCRIPTION
        || this == MULTI_GROUP;
  }

  /**
   * Parses a scenario name.
   *
   * @throws IllegalArgumentException naming the unknown scenario
   */
  public static Scenario fromWireName(String name) {
    for (Scenario s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario: " + name);
  }

  /** All scenario names in canonical order. */
  public static List<String> canonicalNames() {
    List<String> names = new ArrayList<>();
    for (Scenario s : values()) {
      names.add(s.wireName);
    }
    return names;
  }
}
