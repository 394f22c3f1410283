package dev.cloudedge.federation.doctor;

import static dev.cloudedge.federation.doctor.StateFixture.TU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor's read-only view against the production store on the same file. */
class DoctorStateTest {

  @Test
  void summaryRowsEqualTheStoreRowsBehindDeliveriesSummary(@TempDir Path dir) throws Exception {
    try (StateFixture s = new StateFixture(dir)) {
      ExampleDocumentsTest.exampleBState(s);
      s.group("other").event("x-1", "n", -5, -1L).deliver("x-1", "leaf-aws", 0, -1L);
      try (DoctorState view = DoctorState.open(s.path)) {
        assertEquals(s.store.deliverySummary("", "", "", false, TU), view.deliverySummary(TU));
        assertEquals(3, view.deliverySummary(TU).size());
      }
    }
  }

  @Test
  void oneReportReadsOneSnapshotWhileTheDaemonWrites(@TempDir Path dir) throws Exception {
    try (StateFixture s = new StateFixture(dir)) {
      s.event("evt-1", "self-node", -5, 600L).deliver("evt-1", "peer-a", 0, 600L);
      try (DoctorState view = DoctorState.open(s.path)) {
        assertEquals(1, view.deliverySummary(TU).get(0).delivered());
        s.event("evt-2", "self-node", -5, 600L).fail("evt-2", "peer-a");
        assertEquals(1, view.deliverySummary(TU).get(0).events(), "later commits are not seen mid-report");
        assertEquals(1, view.activeEvents("cloudedge", TU).size());
      }
      try (DoctorState next = DoctorState.open(s.path)) {
        assertEquals(2, next.deliverySummary(TU).get(0).events(), "the next report sees them");
      }
    }
  }

  @Test
  void viewCannotWrite(@TempDir Path dir) throws Exception {
    try (StateFixture s = new StateFixture(dir)) {
      s.event("evt-1", "self-node", -5, 600L);
    }
    try (DoctorState view = DoctorState.open(dir.resolve("state.db"))) {
      SqliteDoctorState sql = (SqliteDoctorState) view;
      assertThrows(java.sql.SQLException.class, () -> sql.connectionForTest().createStatement()
          .executeUpdate("DELETE FROM federation_events"));
      assertFalse(view.activeEvents("cloudedge", TU).isEmpty());
    }
  }

  @Test
  void jsonAndMissingBackends(@TempDir Path dir) throws Exception {
    try (DoctorState json = DoctorState.open(dir.resolve("routerd.json"))) {
      assertFalse(json.supportsDeliverySummary());
    }
    try (DoctorState missing = DoctorState.open(dir.resolve("missing.db"))) {
      assertTrue(missing.supportsDeliverySummary());
      assertTrue(missing.deliverySummary(TU).isEmpty());
    }
  }
}
