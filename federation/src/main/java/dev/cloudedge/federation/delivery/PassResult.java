package dev.cloudedge.federation.delivery;

/**
 * What one outbox pass did.
 *
 * @param group the EventGroup
 * @param eventsConsidered local, non-expired events that some configured peer still lacked
 * @param pushed (event, peer) pairs pushed this pass
 * @param delivered pairs that ended delivered
 * @param failed pairs that ended failed
 * @param backedOff failed pairs skipped because their across-pass backoff has not elapsed
 * @param staleTtl delivered rows found with an older expiry than the event's (each is re-pushed)
 * @param error empty, or the store error that aborted the pass
 */
public record PassResult(String group, int eventsConsidered, int pushed, int delivered, int failed, int backedOff,
    int staleTtl, String error) {
  /** Whether the pass completed without a store error. */
  public boolean ok() {
    return error.isEmpty();
  }
}
