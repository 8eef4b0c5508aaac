import { sleep } from './bounded-wait';

/** A process the suite kills -9 and starts again. */
export interface Victim {
  name: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** The task kinds it works on; none: it holds no task of its own, every task under way counts. */
  kinds?: readonly string[];
  /** Runs right after the kill, before the restart (noting what the dead process left). */
  afterKill?(): Promise<void>;
}

/** What was under way just before a kill. */
export interface Census {
  /** Runs accepted and not ended. */
  runs_in_flight: number;
  /** Tasks of the victim's kinds dispatched and not ended. */
  tasks_under_way: number;
}

export interface KillRecord extends Partial<Census> {
  victim: string;
  /** From the kill to the whole product answering ready again. */
  back_after_ms: number;
}

export interface KillPlan {
  /** How long a victim stays dead before it is started again. */
  downMs: number;
  /** How long the product runs whole between one victim's return and the next kill. */
  pauseMs: number;
  /** A worker is killed once it holds a task, or after this long whatever it holds. */
  busyWithinMs: number;
  /** Resolves once every process of the product answers ready again. */
  whole(): Promise<void>;
  census(victim: Victim): Promise<Census>;
}

/**
 * What is under way, asked just before the kill (with PostgreSQL killed
 * there is no asking after); for a worker, asked again until it holds a
 * task, so that its kill cuts work short.
 */
async function busyCensus(victim: Victim, plan: KillPlan): Promise<Partial<Census>> {
  const deadline = Date.now() + (victim.kinds ? plan.busyWithinMs : 0);
  for (;;) {
    const census = await plan.census(victim).catch(() => undefined);
    if ((census && census.tasks_under_way > 0) || Date.now() >= deadline) return census ?? {};
    await sleep(100);
  }
}

/** Kills each victim in turn with SIGKILL, starts it again after a moment, and waits for the product to be whole. */
export async function killInTurn(
  victims: readonly Victim[],
  plan: KillPlan,
): Promise<KillRecord[]> {
  const records: KillRecord[] = [];
  for (const victim of victims) {
    const census = await busyCensus(victim, plan);
    const killedAt = Date.now();
    await victim.kill();
    await victim.afterKill?.();
    await sleep(plan.downMs);
    await victim.restart();
    await plan.whole();
    records.push({ victim: victim.name, ...census, back_after_ms: Date.now() - killedAt });
    await sleep(plan.pauseMs);
  }
  return records;
}
