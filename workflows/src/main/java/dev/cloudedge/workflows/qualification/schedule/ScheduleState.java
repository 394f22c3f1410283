package dev.cloudedge.workflows.qualification.schedule;

import java.util.List;

/**
 * What a schedule carries over continue-as-new.
 *
 * @param fires runs started since the schedule was created
 * @param skipped fires skipped because a run was still going
 * @param recent the latest fires, newest last (at most {@link QualificationScheduleWorkflow#RECENT})
 * @param lastRunEpochSecond the epoch second of the latest run id, so two fires in one second get
 *     distinct run ids
 * @param createdAt when the schedule was created, ISO-8601 UTC
 */
public record ScheduleState(int fires, int skipped, List<ScheduledRun> recent, long lastRunEpochSecond, String createdAt) {}
