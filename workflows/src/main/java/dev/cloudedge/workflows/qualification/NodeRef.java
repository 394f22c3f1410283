package dev.cloudedge.workflows.qualification;

/**
 * A federation node as the qualification sees it.
 *
 * @param name the node name ({@code EventGroup.spec.nodeName})
 * @param taskQueue the task queue of the worker hosting the node
 */
public record NodeRef(String name, String taskQueue) {}
