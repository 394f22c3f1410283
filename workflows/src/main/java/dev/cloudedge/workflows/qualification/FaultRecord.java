package dev.cloudedge.workflows.qualification;

/**
 * One injected fault and its rollback, as recorded in evidence ({@code faults[]}).
 *
 * @param kind {@code partition}, {@code plugin} or {@code restart}
 * @param node the node it was applied on
 * @param applied whether the apply step ran (it may have run even when it timed out)
 * @param rollbackRan whether the rollback ran
 * @param rollbackVerified whether a separate check confirmed the rollback
 * @param detail what the rollback or its verification reported
 */
public record FaultRecord(
    String kind, String node, boolean applied, boolean rollbackRan, boolean rollbackVerified, String detail) {}
