package dev.cloudedge.federation.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Go text/tabwriter column blocks (padding 2, last cell unpadded). */
class GoTabWriterTest {

  @Test
  void columnWidthsArePerBlockOfLinesHavingThatColumn() {
    String out = new GoTabWriter()
        .line("DOCTOR", "FAIL", "pass=1")
        .line("AREA", "STATUS", "CHECK", "DETAIL")
        .line("federation", "PASS", "x", "-")
        .line()
        .line("REMEDIATION PLAN", "T", "1 action(s)")
        .line("a", "", "p", "true")
        .render();
    assertEquals("""
        DOCTOR      FAIL    pass=1
        AREA        STATUS  CHECK  DETAIL
        federation  PASS    x      -

        REMEDIATION PLAN  T  1 action(s)
        a                    p  true
        """, out);
  }
}
