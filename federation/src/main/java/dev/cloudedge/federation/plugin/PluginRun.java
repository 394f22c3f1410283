package dev.cloudedge.federation.plugin;

/**
 * One row of {@code plugin_runs} (reference §1.14).
 *
 * @param id row id
 * @param plugin the Plugin name
 * @param triggerType {@code federation-subscription} for subscription runs
 * @param triggerTopic the bare subscription name for subscription runs
 * @param startedAt RFC 3339 (nanoseconds) UTC
 * @param completedAt RFC 3339 UTC, or empty while running
 * @param exitCode the exit code, or {@code null} when the process never ran
 * @param status {@code running}, {@code succeeded} or {@code failed}
 * @param stdoutDigest hex SHA-256 of stdout
 * @param stderr the kept stderr
 * @param error the failure text, or empty
 */
public record PluginRun(
    long id, String plugin, String triggerType, String triggerTopic, String startedAt, String completedAt,
    Integer exitCode, String status, String stdoutDigest, String stderr, String error) {}
