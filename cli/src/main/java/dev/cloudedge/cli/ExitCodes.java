package dev.cloudedge.cli;

/** Process exit codes shared by every command. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;
  /** Checks ran and something failed (doctor FAIL, qualification failed). */
  public static final int FAILED = 1;
  /** User error: bad flags, bad config, unreadable file. */
  public static final int USAGE = 2;
  /** Incomplete observation or provenance (qualification). */
  public static final int INCOMPLETE = 3;

  private ExitCodes() {}
}
