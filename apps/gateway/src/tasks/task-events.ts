import { isFinalStatus, projectEventId, type TaskTree } from '@mediaflow/contracts';

/**
 * One Server-Sent Event, with its `id:` when it has one. JSON.stringify
 * escapes every line break, so the data is a single `data:` line.
 */
export function sseEvent(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps proxies and load balancers from closing a quiet stream. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx would otherwise hold events back in its buffer.
  'X-Accel-Buffering': 'no',
};

/** A task and every step under it, depth first, the task first. */
export function treeNodes<F>(task: TaskTree<F>): TaskTree<F>[] {
  const nodes: TaskTree<F>[] = [];
  const visit = (node: TaskTree<F>) => {
    nodes.push(node);
    for (const child of [...(node.workflow ?? []), ...(node.next ?? []), ...(node.else ?? [])])
      visit(child);
  };
  visit(task);
  return nodes;
}

/**
 * The tasks of a tree (the task, and a run's steps) whose state has moved
 * since the events already sent (task id → the id of its last event), in
 * the order to send them: the task first and its steps after, but once the
 * task has ended it comes last, so that its final event ends the stream.
 */
export function changedNodes<F>(
  task: TaskTree<F>,
  sent: ReadonlyMap<string, string>,
): TaskTree<F>[] {
  const [root, ...steps] = treeNodes(task);
  const ordered = isFinalStatus(root!.status) ? [...steps, root!] : [root!, ...steps];
  return ordered.filter((node) => sent.get(node.id) !== projectEventId(node));
}
