package dev.cloudedge.federation.provider.executors;

import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;

/** A bundled executor: turns one request into cloud CLI calls and one result; never throws for cloud errors. */
@FunctionalInterface
public interface ProviderExecutor {
  /** Executes (or, in dry-run, only reads) and reports. */
  ExecuteActionResult execute(ExecuteActionRequest.Spec spec);
}
