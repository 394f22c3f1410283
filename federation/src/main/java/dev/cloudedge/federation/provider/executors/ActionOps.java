package dev.cloudedge.federation.provider.executors;

import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;

/**
 * The six operations every provider executor implements for one request, and the one mapping
 * from a plan's action (and {@code target.captureStrategy}) to them.
 *
 * @param <E> what the operations may throw ({@link InterruptedException} where a provider retries
 *     with sleeps, {@link RuntimeException} where nothing is checked)
 */
interface ActionOps<E extends Exception> {
  ExecuteActionResult assignIp() throws E;

  ExecuteActionResult unassignIp() throws E;

  ExecuteActionResult assignRoute() throws E;

  ExecuteActionResult unassignRoute() throws E;

  ExecuteActionResult forwardingEnabled() throws E;

  ExecuteActionResult forwardingDisabled() throws E;

  /** Runs the operation for {@code s.action()}; {@code captureStrategy: route-table} steers secondary-IP actions to routes. */
  static <E extends Exception> ExecuteActionResult dispatch(ExecuteActionRequest.Spec s, ActionOps<E> ops) throws E {
    boolean routeTable = "route-table".equals(s.t("captureStrategy"));
    return switch (s.action()) {
      case "assign-secondary-ip" -> routeTable ? ops.assignRoute() : ops.assignIp();
      case "unassign-secondary-ip" -> routeTable ? ops.unassignRoute() : ops.unassignIp();
      case "assign-route-table-route" -> ops.assignRoute();
      case "unassign-route-table-route" -> ops.unassignRoute();
      case "ensure-forwarding-enabled" -> ops.forwardingEnabled();
      case "ensure-forwarding-disabled" -> ops.forwardingDisabled();
      default -> Results.unsupported(s.action());
    };
  }
}
