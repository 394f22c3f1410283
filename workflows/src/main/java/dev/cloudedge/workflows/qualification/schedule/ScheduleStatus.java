package dev.cloudedge.workflows.qualification.schedule;

import java.util.List;

/**
 * A schedule as {@code qualify schedule list|show} shows it.
 *
 * @param name the schedule name
 * @param spec when it fires ({@link ScheduleSpec#describe()})
 * @param topology the topology id it qualifies
 * @param evidenceRoot the directory under which each run gets its own evidence directory
 * @param createdAt when it was created, ISO-8601 UTC
 * @param nextFire the next fire time, ISO-8601 UTC
 * @param fires runs started so far
 * @param skipped fires skipped because a run was still going
 * @param running the run id going now, or empty
 * @param recent the latest fires, newest last
 */
public record ScheduleStatus(
    String name,
    String spec,
    String topology,
    String evidenceRoot,
    String createdAt,
    String nextFire,
    int fires,
    int skipped,
    String running,
    List<ScheduledRun> recent) {}
