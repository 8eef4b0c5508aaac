import type { IngestSource, TaskSource, Workflow, WorkflowTaskKind } from '@mediaflow/contracts';
import { planRun } from '@mediaflow/workflow';
import type { NewTask } from '../tasks/tasks.repository';
import { INGEST_REF } from '../tasks/task-row';

/** What is to run: a workflow, or one task of one kind on its own. */
export type RunSubject =
  | { kind: 'workflow'; workflow: Workflow }
  | { kind: WorkflowTaskKind; options: Record<string, unknown> };

/** What a request that makes a run (a task, an ingest) carries besides what it runs. */
export interface CreationLimits {
  /** The gateway's claim of the request's `Idempotency-Key`, if it sent one. */
  idempotencyKey?: string | undefined;
  /** The project's limit of runs in flight, if it has one: past it the request is refused. */
  runsInFlightLimit?: number | undefined;
}

export interface RunRequest extends CreationLimits {
  projectId: string;
  automationId: string | null;
  subject: RunSubject;
  source: TaskSource;
  webhook: { url: string; secret: string } | null;
  /** A run a trigger started: the stored file that fired it (also its source). */
  triggerFileId?: string;
}

export interface PlannedRun {
  root: NewTask;
  /** A workflow's steps, waiting, in pre-order; empty for a single task (its root is its step). */
  steps: NewTask[];
  /** Fetches a URL source; the run starts on its output. */
  ingest: NewTask | null;
}

/**
 * The rows a new run starts as (docs/runs.md, The flow, 2). A workflow run
 * is under way from the start; a single task waits for its input like any
 * step. Every row carries the project and the automation, so that listing
 * and filtering never need the tree.
 */
export function planRunRows(
  request: RunRequest,
  newTaskId: () => string,
  maxAttempts: number,
): PlannedRun {
  const rootId = newTaskId();
  const sourceUrl = 'url' in request.source ? request.source.url : null;
  const common = {
    project_id: request.projectId,
    run_id: rootId,
    automation_id: request.automationId,
    max_attempts: maxAttempts,
    webhook_url: null,
    webhook_secret: null,
    workflow: null,
    conditions: null,
    started: false,
    source_key: null,
    source_filename: null,
    trigger_file_id: null,
  } as const;
  const { subject } = request;
  const root: NewTask = {
    ...common,
    id: rootId,
    parent_id: null,
    branch: null,
    position: 0,
    kind: subject.kind,
    ref: null,
    options: subject.kind === 'workflow' ? {} : subject.options,
    workflow: subject.kind === 'workflow' ? subject.workflow : null,
    status: subject.kind === 'workflow' ? 'processing' : 'waiting',
    started: subject.kind === 'workflow',
    input_file_id: 'file_id' in request.source ? request.source.file_id : null,
    source_url: sourceUrl,
    webhook_url: request.webhook?.url ?? null,
    webhook_secret: request.webhook?.secret ?? null,
    trigger_file_id: request.triggerFileId ?? null,
  };
  const steps: NewTask[] =
    subject.kind === 'workflow'
      ? planRun(subject.workflow, newTaskId).map((step) => ({
          ...common,
          id: step.id,
          parent_id: step.parentId ?? rootId,
          branch: step.branch,
          position: step.position,
          kind: step.kind,
          ref: step.ref,
          options: step.options,
          conditions: step.conditions,
          status: step.status,
          input_file_id: null,
          source_url: null,
        }))
      : [];
  const ingest: NewTask | null = sourceUrl
    ? {
        ...common,
        id: newTaskId(),
        parent_id: rootId,
        branch: null,
        position: 0,
        kind: 'ingest',
        ref: INGEST_REF,
        options: {},
        status: 'waiting',
        input_file_id: null,
        source_url: sourceUrl,
      }
    : null;
  return { root, steps, ingest };
}

/** `POST /files`: a file to store from a URL or from an upload the gateway staged. */
export interface IngestRequest extends CreationLimits {
  projectId: string;
  source: IngestSource;
  /** The name the client gave the file, if any. */
  filename: string | null;
}

/**
 * The one row of a standalone ingest: a root of kind `ingest` with no steps
 * (and no ref: its file is the client's, not a step's output). It waits to
 * be dispatched, like a run's ingest.
 */
export function planIngestRow(request: IngestRequest, id: string, maxAttempts: number): NewTask {
  return {
    id,
    project_id: request.projectId,
    run_id: id,
    parent_id: null,
    branch: null,
    position: 0,
    automation_id: null,
    kind: 'ingest',
    ref: null,
    options: {},
    conditions: null,
    workflow: null,
    status: 'waiting',
    started: false,
    input_file_id: null,
    max_attempts: maxAttempts,
    source_url: 'url' in request.source ? request.source.url : null,
    source_key: 'staged_key' in request.source ? request.source.staged_key : null,
    source_filename: request.filename,
    webhook_url: null,
    webhook_secret: null,
    trigger_file_id: null,
  };
}
