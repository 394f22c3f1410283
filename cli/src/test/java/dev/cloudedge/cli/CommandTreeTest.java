package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.cli.options.CliSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * main() builds only the branch of the command tree that the arguments name (a start-up cost);
 * every command must read, parse and print exactly as in the whole tree.
 */
class CommandTreeTest {
  private final CliSettings settings = CliRun.settings(Path.of("unused.db"));

  /** Every command path of the whole tree, e.g. [federation, event, list]. */
  private static List<List<String>> paths(CommandLine cl, List<String> prefix, List<List<String>> into) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) {
        continue; // an alias
      }
      List<String> p = new ArrayList<>(prefix);
      p.add(e.getKey());
      into.add(p);
      paths(e.getValue(), p, into);
    }
    return into;
  }

  private static CommandLine find(CommandLine root, List<String> path) {
    CommandLine cl = root;
    for (String name : path) {
      cl = cl.getSubcommands().get(name);
    }
    return cl;
  }

  @Test
  void everyCommandHasTheSameHelpInTheBranchAsInTheWholeTree() {
    CommandLine whole = Cloudedge.commandLine(settings);
    List<List<String>> all = paths(whole, List.of(), new ArrayList<>());
    assertTrue(all.size() > 60, "the tree has its commands: " + all.size());
    for (List<String> path : all) {
      String[] args = path.toArray(String[]::new);
      CommandLine branch = Cloudedge.commandLine(settings, args);
      if (!path.get(0).equals("help")) {
        assertEquals(1, branch.getSubcommands().values().stream().distinct().count(),
            "only the named top-level command is built for " + path);
      }
      assertEquals(find(whole, path).getUsageMessage(CommandLine.Help.Ansi.OFF),
          find(branch, path).getUsageMessage(CommandLine.Help.Ansi.OFF), String.join(" ", path));
    }
  }

  @Test
  void topLevelHelpTyposAndHelpCommandGetTheWholeTree() {
    int whole = Cloudedge.commandLine(settings).getSubcommands().size();
    for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"-v", "help", "doctor"},
        new String[] {"fedration"}, new String[] {"--version", "--help"})) {
      assertEquals(whole, Cloudedge.commandLine(settings, args).getSubcommands().size(), String.join(" ", args));
    }
    assertEquals(0, Cloudedge.commandLine(settings, new String[] {"--version"}).getSubcommands().size());
    assertEquals(0, Cloudedge.commandLine(settings, new String[] {"-v", "-V"}).getSubcommands().size());
  }

  @Test
  void answersAsTheWholeTreeDoes() {
    CliRun typo = CliRun.run(settings, "fedration");
    assertEquals(ExitCodes.USAGE, typo.exitCode());
    assertTrue(typo.err().contains("did you mean federation"), typo.err());
    CliRun version = CliRun.run(settings, "--version");
    assertEquals(0, version.exitCode());
    assertTrue(version.out().startsWith("cloudedge "), version.out());
    CliRun verbose = CliRun.run(settings, "federation", "event", "list", "-v", "--help");
    assertEquals(0, verbose.exitCode(), verbose.err());
    assertTrue(verbose.out().contains("--verbose"), "the inherited -v reaches a branch built alone: " + verbose.out());
  }
}
