package dev.cloudedge.cli;

import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.StoreException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cloudedge state}: maintenance of the SQLite state file. */
@Command(
    name = "state",
    mixinStandardHelpOptions = true,
    description = "State file maintenance: migrate.",
    subcommands = {StateCommand.Migrate.class})
public final class StateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new IllegalArgumentException("state requires subcommand");
  }

  /**
   * {@code cloudedge state migrate}: applies the schema migrations eventd would apply on start,
   * and says what changed. Read-only commands never migrate, so this is the way to upgrade a state
   * file (a routerd one included) without starting eventd.
   */
  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = {"Apply the CloudEdge schema migrations to an existing state file and report the tables and",
          "columns and indexes added (a second run reports nothing to do). routerd ignores what was added."})
  public static final class Migrate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;

    @Override
    public Integer call() {
      FederationStore.MigrationReport r;
      try {
        r = FederationStore.migrate(state.path());
      } catch (StoreException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (r.nothingToDo()) {
        out.println("state file " + state.path() + ": schema version " + r.schemaVersion() + ", nothing to do");
      } else {
        out.println("state file " + state.path() + ": migrated to schema version " + r.schemaVersion());
        for (String m : r.applied()) {
          out.println("applied migration " + m);
        }
        for (String t : r.addedTables()) {
          out.println("added table " + t);
        }
        for (String c : r.addedColumns()) {
          out.println("added column " + c);
        }
        for (String i : r.addedIndexes()) {
          out.println("added index " + i);
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
