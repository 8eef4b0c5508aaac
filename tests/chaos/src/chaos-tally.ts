/**
 * What a chaos round counts, as a pure function of what the client saw and
 * what PostgreSQL and storage hold afterwards, so that the detector itself
 * is table-tested (chaos-tally.spec.ts) and can be trusted to fail.
 */

/** One request as the client lived it: every attempt with the same `Idempotency-Key`. */
export interface RequestRecord {
  key: string;
  /** Unique to the request (it carries the key): its runs are found by it. */
  sourceUrl: string;
  /** The run id of each 2xx answer, in order: the first answer, then the replay. */
  answers: string[];
  /** Why each attempt before the answer had none: `network`, `timeout`, `HTTP 503 …`. */
  cuts: string[];
  /** A final answer that is no 2xx and not ours to retry (a 4xx). */
  refused?: { status: number; body: unknown };
  /** Given up on: no answer came within the bound. */
  unanswered?: boolean;
}

/** One task of a run (a step, or the run's ingest), as PostgreSQL and storage hold it. */
export interface TaskFacts {
  id: string;
  kind: string;
  status: string;
  errorCode: string | null;
  /** The files PostgreSQL records for the task, and whether each is in storage with its size. */
  files: { key: string; stored: boolean }[];
  /** Files in storage under the task's keys that no row records: an attempt's output left behind. */
  unrecorded: string[];
}

/** A run found in PostgreSQL (a root task), with its tasks. */
export interface RunFacts {
  id: string;
  sourceUrl: string;
  status: string;
  tasks: TaskFacts[];
}

/** What every run of the load's workflow must look like once it has ended. */
export interface RunShape {
  /** Tasks besides the root: the ingest and every step, skipped ones included. */
  tasksPerRun: number;
  /** Files a completed task of each kind records. */
  outputsPerKind: Readonly<Record<string, number>>;
  /** Error codes that are the input's fault: a run failed with one of these failed legitimately. */
  inputErrors: readonly string[];
}

export interface ChaosTally {
  /** Requests sent (distinct keys). */
  sent: number;
  /** Requests answered 2xx, after retries or not: the work the product acknowledged. */
  accepted: number;
  /** Accepted requests whose one run completed, every output recorded once and stored. */
  completed: number;
  /** Accepted requests whose one run failed. */
  failed: number;
  /** Accepted requests with no run, a run that never ended, or an output missing. */
  lost: number;
  /** Requests with more than one run, answers naming different runs, or a task or output made twice. */
  duplicated: number;
  /** Accepted requests whose first attempts were cut (network error, timeout, 5xx, 429). */
  retriedAfterCut: number;
  /** Files in storage that no row records (outputs of attempts that were cut). */
  orphanedOutputs: number;
  /** One line per finding: what, which key, which run. An empty list is a clean round. */
  findings: string[];
}

const ENDED = ['completed', 'failed'];
const STEP_ENDED = ['completed', 'skipped'];

export function tallyChaos(
  requests: readonly RequestRecord[],
  runs: readonly RunFacts[],
  shape: RunShape,
): ChaosTally {
  const tally: ChaosTally = {
    sent: requests.length,
    accepted: 0,
    completed: 0,
    failed: 0,
    lost: 0,
    duplicated: 0,
    retriedAfterCut: 0,
    orphanedOutputs: 0,
    findings: [],
  };
  const runsBySource = new Map<string, RunFacts[]>();
  for (const run of runs)
    runsBySource.set(run.sourceUrl, [...(runsBySource.get(run.sourceUrl) ?? []), run]);
  const asked = new Set(requests.map((request) => request.sourceUrl));
  for (const run of runs) {
    if (!asked.has(run.sourceUrl)) {
      tally.duplicated++;
      tally.findings.push(`duplicated: run ${run.id} answers no request (${run.sourceUrl})`);
    }
  }

  for (const request of requests) {
    const found = runsBySource.get(request.sourceUrl) ?? [];
    for (const run of found)
      tally.orphanedOutputs += run.tasks.reduce((sum, task) => sum + task.unrecorded.length, 0);
    for (const run of found)
      for (const task of run.tasks)
        for (const key of task.unrecorded)
          tally.findings.push(
            `orphaned output: ${request.key} run ${run.id} task ${task.id} (${task.kind}) ${key}`,
          );

    const duplicates = duplicationsOf(request, found, shape);
    if (duplicates.length > 0) {
      tally.duplicated++;
      for (const why of duplicates) tally.findings.push(`duplicated: ${request.key} ${why}`);
    }

    if (request.answers.length === 0) {
      if (request.refused)
        tally.findings.push(
          `refused: ${request.key} HTTP ${request.refused.status} ${JSON.stringify(request.refused.body)}`,
        );
      if (request.unanswered)
        tally.findings.push(`unanswered: ${request.key} after ${request.cuts.length} cut attempts`);
      continue;
    }
    tally.accepted++;
    if (request.cuts.length > 0) tally.retriedAfterCut++;

    const run = found.find((candidate) => candidate.id === request.answers[0]) ?? found[0];
    const losses = run ? lossesOf(run, shape) : ['no run in PostgreSQL'];
    if (losses.length > 0) {
      tally.lost++;
      for (const why of losses) tally.findings.push(`lost: ${request.key} ${why}`);
      continue;
    }
    if (run!.status === 'completed') {
      tally.completed++;
      continue;
    }
    tally.failed++;
    for (const task of run!.tasks) {
      if (task.status === 'failed' && !shape.inputErrors.includes(task.errorCode ?? ''))
        tally.findings.push(
          `failed: ${request.key} run ${run!.id} task ${task.id} (${task.kind}) ${task.errorCode}`,
        );
    }
  }
  return tally;
}

/** Why a request counts as made twice, if it does. */
function duplicationsOf(
  request: RequestRecord,
  found: readonly RunFacts[],
  shape: RunShape,
): string[] {
  const why: string[] = [];
  if (found.length > 1) why.push(`${found.length} runs: ${found.map((run) => run.id).join(', ')}`);
  const answered = [...new Set(request.answers)];
  if (answered.length > 1) why.push(`answered with different runs: ${answered.join(', ')}`);
  if (answered.length > 0 && found.length > 0 && !found.some((run) => run.id === answered[0]))
    why.push(`answered ${answered[0]}, which is not its run ${found[0]!.id}`);
  for (const run of found) {
    if (run.tasks.length > shape.tasksPerRun)
      why.push(`run ${run.id} has ${run.tasks.length} tasks, not ${shape.tasksPerRun}`);
    for (const task of run.tasks) {
      const expected = shape.outputsPerKind[task.kind] ?? 0;
      if (task.files.length > expected)
        why.push(
          `task ${task.id} (${task.kind}) recorded ${task.files.length} files, not ${expected}`,
        );
    }
  }
  return why;
}

/** Why an accepted request's run counts as lost, if it does. */
function lossesOf(run: RunFacts, shape: RunShape): string[] {
  const why: string[] = [];
  if (!ENDED.includes(run.status)) why.push(`run ${run.id} is ${run.status}`);
  if (run.tasks.length < shape.tasksPerRun)
    why.push(`run ${run.id} has ${run.tasks.length} tasks, not ${shape.tasksPerRun}`);
  for (const task of run.tasks) {
    if (run.status === 'completed' && !STEP_ENDED.includes(task.status))
      why.push(`run ${run.id} completed with task ${task.id} (${task.kind}) ${task.status}`);
    if (task.status !== 'completed') continue;
    const expected = shape.outputsPerKind[task.kind] ?? 0;
    if (task.files.length < expected)
      why.push(
        `task ${task.id} (${task.kind}) recorded ${task.files.length} files, not ${expected}`,
      );
    for (const file of task.files)
      if (!file.stored) why.push(`task ${task.id} (${task.kind}): ${file.key} is not in storage`);
  }
  return why;
}
