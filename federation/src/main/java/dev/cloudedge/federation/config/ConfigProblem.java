package dev.cloudedge.federation.config;

/**
 * One validation failure.
 *
 * @param resourceId the resource id ({@code <apiVersion>/<kind>/<name>})
 * @param origin where the resource was written (file and document)
 * @param message the full message, starting with the resource id as routerd's do
 */
public record ConfigProblem(String resourceId, String origin, String message) {
  @Override
  public String toString() {
    return message;
  }
}
