package dev.cloudedge.federation.doctor;

import java.util.Locale;

/**
 * The {@code -o table} text of a report (reference §2.9): a {@code DOCTOR} line, one row per
 * check, and, when a plan with at least one action was requested, the plan section. The SLO and
 * federation blocks are JSON/YAML only.
 */
final class DoctorTable {
  private DoctorTable() {}

  private static String dash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  static String render(DoctorReport r) {
    GoTabWriter w = new GoTabWriter();
    ReportSummary s = r.summary();
    w.line("DOCTOR", s.overall().name(),
        "pass=" + s.pass() + " warn=" + s.warn() + " fail=" + s.fail() + " skip=" + s.skip());
    w.line("AREA", "STATUS", "CHECK", "DETAIL", "REMEDY");
    for (Check c : r.checks()) {
      w.line(c.area(), c.status().name().toUpperCase(Locale.ROOT), c.name(), dash(c.detail()), dash(c.remedy()));
    }
    RemediationPlan plan = r.remediationPlan();
    if (plan != null && !plan.actions().isEmpty()) {
      w.line();
      w.line("REMEDIATION PLAN", plan.generatedAt(), plan.actions().size() + " action(s)");
      w.line("ACTION", "GROUP", "PEER", "SAFE", "APPROVAL", "REASON");
      for (RemediationAction a : plan.actions()) {
        w.line(a.action().wire(), a.targetGroup(), a.targetPeer(), Boolean.toString(a.safe()),
            Boolean.toString(a.requiresOperatorApproval()), dash(a.reason()));
      }
      w.line();
    }
    return w.render();
  }
}
