package dev.cloudedge.workflows.qualification.schedule;

import dev.cloudedge.workflows.qualification.QualificationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Input of {@link QualificationScheduleWorkflow}.
 *
 * @param name the schedule's name; its workflow id is {@code qualification-schedule/<name>}
 * @param spec when it fires
 * @param template the run every fire starts, with its own run id (from the fire time) and its own
 *     evidence directory {@code <template.evidenceDir>/<runId>}
 * @param historyEventLimit continue as new once the history reaches this many events and no run is
 *     going (0: {@link #DEFAULT_HISTORY_EVENT_LIMIT})
 * @param carried what an earlier run of this schedule handed over on continue-as-new; {@code null}
 *     on a new schedule
 */
public record QualificationSchedule(
    String name,
    ScheduleSpec spec,
    QualificationRequest template,
    int historyEventLimit,
    ScheduleState carried) {

  /** About 15 events per fire; 2,000 keep the history short while leaving ~130 fires per run. */
  public static final int DEFAULT_HISTORY_EVENT_LIMIT = 2_000;

  /** Lowercase letters, digits and dashes, 1 to 63 characters, starting with a letter or digit. */
  public static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

  /** The workflow id of schedule {@code name}. */
  public static String workflowId(String name) {
    return "qualification-schedule/" + name;
  }

  /** The history limit in effect. */
  public int effectiveHistoryEventLimit() {
    return historyEventLimit > 0 ? historyEventLimit : DEFAULT_HISTORY_EVENT_LIMIT;
  }

  /** This schedule handing {@code state} over to its next run. */
  public QualificationSchedule continuing(ScheduleState state) {
    return new QualificationSchedule(name, spec, template, historyEventLimit, state);
  }

  /** Problems with this schedule, each naming the flag or field; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (name == null || !NAME.matcher(name).matches()) {
      p.add("schedule name must be 1-63 lowercase letters, digits or dashes, got " + name);
    }
    if (spec == null) {
      p.add("give exactly one of --cron and --every");
    } else {
      p.addAll(spec.problems());
    }
    if (template == null) {
      p.add("the qualification to run is required");
    } else {
      p.addAll(template.problems());
    }
    return p;
  }
}
