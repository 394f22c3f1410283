package dev.cloudedge.workflows.qualification;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The custom search attributes qualification workflows set. They must be registered on the
 * namespace before use ({@code temporal operator search-attribute create}); the embedded dev server
 * registers them itself.
 */
public final class QualificationSearchAttributes {
  /** The qualification run id. */
  public static final SearchAttributeKey<String> RUN_ID = SearchAttributeKey.forKeyword("CloudEdgeQualRunId");
  /** The cycle a scenario workflow belongs to (0 on the run workflow until the first cycle). */
  public static final SearchAttributeKey<Long> CYCLE = SearchAttributeKey.forLong("CloudEdgeQualCycle");
  /** The scenario name (the current one on the run workflow). */
  public static final SearchAttributeKey<String> SCENARIO = SearchAttributeKey.forKeyword("CloudEdgeQualScenario");
  /** {@code running}, then the verdict ({@code pass}, {@code fail}, ...). */
  public static final SearchAttributeKey<String> VERDICT = SearchAttributeKey.forKeyword("CloudEdgeQualVerdict");
  /** The primary EventGroup under qualification. */
  public static final SearchAttributeKey<String> GROUP = SearchAttributeKey.forKeyword("CloudEdgeQualGroup");
  /** The topology id. */
  public static final SearchAttributeKey<String> TOPOLOGY = SearchAttributeKey.forKeyword("CloudEdgeQualTopology");

  private QualificationSearchAttributes() {}

  /** Every attribute name with its type, for registration. */
  public static Map<String, IndexedValueType> definitions() {
    Map<String, IndexedValueType> m = new LinkedHashMap<>();
    m.put(RUN_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(CYCLE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);
    m.put(SCENARIO.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(VERDICT.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(GROUP.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(TOPOLOGY.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    return m;
  }
}
