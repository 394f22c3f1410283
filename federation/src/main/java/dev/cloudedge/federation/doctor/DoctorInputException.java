package dev.cloudedge.federation.doctor;

/**
 * The doctor could not read one of its inputs (the state database); the message names the path
 * and the problem in one line. Distinct from failing checks: the CLI exits 2 for it, not 1.
 */
public final class DoctorInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public DoctorInputException(String message, Throwable cause) {
    super(message, cause);
  }

  public DoctorInputException(String message) {
    super(message);
  }
}
