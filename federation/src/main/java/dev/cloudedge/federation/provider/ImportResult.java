package dev.cloudedge.federation.provider;

import java.util.List;

/**
 * What an import did (routerd's {@code ImportResult}).
 *
 * @param inserted rows inserted or requeued
 * @param duplicates plans whose key already had a row in another status
 * @param skipped plans without an idempotencyKey or failing validation (never journaled)
 * @param notes why each skipped plan was skipped
 */
public record ImportResult(int inserted, int duplicates, int skipped, List<String> notes) {
  public ImportResult {
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  /** routerd's import line. */
  public String summary() {
    return "imported " + (inserted + duplicates) + " action(s): " + inserted + " inserted, " + duplicates
        + " duplicate, " + skipped + " skipped (missing idempotencyKey)";
  }
}
