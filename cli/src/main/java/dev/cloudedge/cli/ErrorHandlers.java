package dev.cloudedge.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Maps exceptions to one clear line on stderr and an exit code; never a stack trace for a user error. */
final class ErrorHandlers {
  private ErrorHandlers() {}

  /** A user error raised while a command runs: print its message, exit 2. */
  static final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserException(String message) {
      super(message);
    }
  }

  static final class Execution implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
      PrintWriter err = cl.getErr();
      // A missing dev-server jar is a setup error like a missing ip or nft for the netns lab.
      if (ex instanceof IllegalArgumentException || ex instanceof UserException
          || ex instanceof dev.cloudedge.worker.EmbeddedTemporal.NotInstalledException) {
        err.println("cloudedge: " + ex.getMessage());
        err.flush();
        return ExitCodes.USAGE;
      }
      err.println("cloudedge: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
      if (System.getenv("CLOUDEDGE_DEBUG") != null) {
        ex.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.FAILED;
    }
  }

  static final class Parameter implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      PrintWriter err = cl.getErr();
      // One line: picocli wraps a setter's IllegalArgumentException (e.g. -o xml) in reflection
      // noise, so print the first user-facing message in the cause chain instead.
      String msg = ex.getMessage();
      for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
        if (t instanceof IllegalArgumentException) {
          msg = t.getMessage();
          break;
        }
      }
      StringBuilder line = new StringBuilder("cloudedge: ").append(msg);
      if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
        line.append(" (did you mean ").append(String.join(" or ", u.getSuggestions())).append("?)");
      }
      line.append(" (see '").append(cl.getCommandSpec().qualifiedName()).append(" --help')");
      err.println(line);
      err.flush();
      return ExitCodes.USAGE;
    }
  }
}
