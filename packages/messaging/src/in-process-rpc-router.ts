/** One server of a subject: takes the encoded request, resolves with the encoded reply. */
export type RpcResponder = (
  request: Uint8Array,
  callerGaveUp: Promise<void>,
) => Promise<Uint8Array>;

interface QueueGroup {
  members: RpcResponder[];
  /** Round-robin: the member that answers the next request. */
  next: number;
}

/**
 * Core NATS's routing of requests inside one process: each request goes to
 * one member of each queue group serving its subject, taken in turn.
 */
export class RpcRouter {
  private readonly subjects = new Map<string, Map<string, QueueGroup>>();

  /** Serves `subject` in `queue` until the returned function is called. */
  add(subject: string, queue: string, responder: RpcResponder): () => void {
    const groups = this.subjects.get(subject) ?? new Map<string, QueueGroup>();
    this.subjects.set(subject, groups);
    const group = groups.get(queue) ?? { members: [], next: 0 };
    groups.set(queue, group);
    group.members.push(responder);
    return () => {
      const index = group.members.indexOf(responder);
      if (index < 0) return;
      group.members.splice(index, 1);
      if (group.members.length === 0) groups.delete(queue);
      if (groups.size === 0) this.subjects.delete(subject);
    };
  }

  /** The responders a request on `subject` goes to: one per queue group; none when nobody serves it. */
  route(subject: string): RpcResponder[] {
    return [...(this.subjects.get(subject)?.values() ?? [])].map((group) => {
      const member = group.members[group.next % group.members.length]!;
      group.next = (group.next + 1) % group.members.length;
      return member;
    });
  }
}
