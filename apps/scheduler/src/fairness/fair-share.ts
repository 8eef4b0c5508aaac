/**
 * Fair dispatch, the pure part. JetStream's work queue of a kind is first
 * in, first out: a project that queues 450 steps would make another's one
 * step wait behind all of them. So the scheduler keeps each kind's queue on
 * the broker short, and holds the rest back in PostgreSQL (`held_since`),
 * releasing it project by project, the least served first.
 *
 * How short: as many queued as are running (`processing`), at least
 * `minQueue`. Workers that take tasks faster grow the running count and so
 * the queue; a newcomer's task waits behind about one round of the
 * workers' slots, not behind a backlog.
 */

/** A kind's live tasks, as the dispatcher counts them. */
export interface KindLoad {
  /** Dispatched, not yet taken by a worker (held ones excluded). */
  queued: number;
  /** In a worker's hands. */
  processing: number;
  /** Held back, waiting for room. */
  held: number;
}

export interface FairnessSettings {
  /** The queue a kind may always have, however few tasks run. */
  minQueue: number;
  /** Tasks of this kind one project may have queued or running at once (ingest's slots); none: no cap. */
  projectCap?: number;
}

/** How many queued tasks a kind may have on the broker now. */
export function queueLimit(load: Pick<KindLoad, 'processing'>, minQueue: number): number {
  return Math.max(minQueue, load.processing);
}

/** How many held tasks may be released now. */
export function roomToRelease(load: KindLoad, minQueue: number): number {
  return Math.max(0, queueLimit(load, minQueue) - load.queued);
}

/**
 * Whether new dispatches of one project (already counted in `load.queued`
 * and `projectInFlight`) go to the broker at once. Not when others are
 * held (they were first, unless the fair pick says otherwise), the queue is
 * over its limit, or the project is over its cap.
 */
export function publishAtOnce(
  load: KindLoad,
  projectInFlight: number,
  settings: FairnessSettings,
): boolean {
  if (load.held > 0) return false;
  if (load.queued > queueLimit(load, settings.minQueue)) return false;
  return settings.projectCap === undefined || projectInFlight <= settings.projectCap;
}

export interface HeldTask {
  id: string;
  project_id: string;
}

/**
 * Which held tasks to release into `room` places: one at a time to the
 * project with the fewest tasks in flight (queued or running, counting
 * those picked here), the one held longest first among equals; never a
 * project at its cap. `held` is in the order held (oldest first).
 */
export function pickFair(
  held: readonly HeldTask[],
  inFlight: ReadonlyMap<string, number>,
  room: number,
  projectCap?: number,
): string[] {
  /** A project's held tasks (with their place in `held`, its age), and how many it has in flight. */
  const projects = new Map<string, { tasks: Array<{ id: string; age: number }>; load: number }>();
  held.forEach((task, age) => {
    const project = projects.get(task.project_id);
    if (project) project.tasks.push({ id: task.id, age });
    else
      projects.set(task.project_id, {
        tasks: [{ id: task.id, age }],
        load: inFlight.get(task.project_id) ?? 0,
      });
  });
  const picked: string[] = [];
  while (picked.length < room) {
    let best: { tasks: Array<{ id: string; age: number }>; load: number } | undefined;
    for (const project of projects.values()) {
      const next = project.tasks[0];
      if (!next || (projectCap !== undefined && project.load >= projectCap)) continue;
      if (
        !best ||
        project.load < best.load ||
        (project.load === best.load && next.age < best.tasks[0]!.age)
      )
        best = project;
    }
    if (!best) break;
    picked.push(best.tasks.shift()!.id);
    best.load++;
  }
  return picked;
}
