package dev.cloudedge.federation.provider.exec;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the engine needs of a {@code Plugin} resource ({@code plugin.routerd.net/v1alpha1}) that
 * executes provider actions.
 *
 * @param name the plugin name ({@code aws-executor}, ...)
 * @param executable absolute path of the executable
 * @param capabilities declared capabilities; must include {@code execute.providerAction}
 * @param timeout Go duration; blank means 30s
 * @param env the only environment the executor gets besides PATH
 */
public record ExecutorPlugin(String name, String executable, List<String> capabilities, String timeout,
    Map<String, String> env) {
  /** The capability an executor must declare. */
  public static final String CAPABILITY = "execute.providerAction";

  public ExecutorPlugin {
    name = name == null ? "" : name;
    executable = executable == null ? "" : executable;
    capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    timeout = timeout == null ? "" : timeout;
    env = env == null ? Map.of() : new TreeMap<>(env);
  }
}
