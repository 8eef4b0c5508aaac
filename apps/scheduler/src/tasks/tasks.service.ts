import {
  ID_PREFIX,
  MediaflowError,
  TASK_KINDS,
  TaskListQuerySchema,
  WORKFLOW_TASK_KINDS,
  idSchema,
  notFound,
  toList,
  type List,
  type TaskRecord,
  type TaskSource,
  type WorkflowTaskKind,
} from '@mediaflow/contracts';
import {
  parseWithDetails,
  summariseSteps,
  validateWorkflow,
  zodIssuesToDetails,
} from '@mediaflow/workflow';
import { Injectable } from '@nestjs/common';
import { SchedulerStore } from '../database/scheduler-store';
import { indexFiles } from '../files/file-index';
import { readTaskTree } from '../runs/run-loader';
import type { CreationLimits } from '../runs/run-plan';
import type { RetryRequest } from '../runs/run-retry';
import { RunsService } from '../runs/runs.service';
import { toTaskRecord } from './task-tree';

const taskId = idSchema(ID_PREFIX.task);

interface Submission extends CreationLimits {
  projectId: string;
  source: TaskSource;
  webhook: { url: string; secret: string } | null;
}

/**
 * Runs and tasks as the bus asks for them. Everything is scoped by project:
 * another project's task is answered exactly like a missing one.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly store: SchedulerStore,
    private readonly runs: RunsService,
  ) {}

  /** A run of a workflow snapshot; the scheduler owns runs, so it validates the workflow again. */
  createRun(
    submission: Submission & { automationId: string | null; workflow: unknown },
  ): Promise<TaskRecord> {
    const validation = validateWorkflow(submission.workflow);
    if (!validation.ok)
      throw new MediaflowError('validation_failed', 'The workflow is invalid', validation.details);
    return this.runs.create({
      projectId: submission.projectId,
      automationId: submission.automationId,
      subject: { kind: 'workflow', workflow: validation.workflow },
      source: submission.source,
      webhook: submission.webhook,
      idempotencyKey: submission.idempotencyKey,
      runsInFlightLimit: submission.runsInFlightLimit,
    });
  }

  /** One task of one kind on its own, with the kind's options checked strictly. */
  createTask(
    submission: Submission & { kind: string; options: Record<string, unknown> },
  ): Promise<TaskRecord> {
    const kind = submission.kind as WorkflowTaskKind;
    if (!WORKFLOW_TASK_KINDS.includes(kind)) {
      throw new MediaflowError('validation_failed', 'The task is invalid', [
        { path: 'kind', message: `must be one of: ${WORKFLOW_TASK_KINDS.join(', ')}` },
      ]);
    }
    const options = parseWithDetails(TASK_KINDS[kind].options, submission.options, {
      path: ['options'],
      kind,
    });
    if (!options.ok)
      throw new MediaflowError('validation_failed', 'The task is invalid', options.details);
    return this.runs.create({
      projectId: submission.projectId,
      automationId: null,
      subject: { kind, options: options.data as Record<string, unknown> },
      source: submission.source,
      webhook: submission.webhook,
      idempotencyKey: submission.idempotencyKey,
      runsInFlightLimit: submission.runsInFlightLimit,
    });
  }

  /** A task with its subtree: a run with its steps under `workflow`. */
  async get(projectId: string, id: string): Promise<TaskRecord> {
    if (!taskId.safeParse(id).success) throw notFound('task', id);
    return this.store.autocommit(async (repos) => {
      const task = await repos.tasks.findInProject(projectId, id);
      if (!task) throw notFound('task', id);
      return readTaskTree(repos, task);
    });
  }

  /** Newest first, runs and steps alike, each without its subtree. */
  async list(projectId: string, rawQuery: Record<string, unknown>): Promise<List<TaskRecord>> {
    const parsed = TaskListQuerySchema.safeParse(rawQuery);
    if (!parsed.success) {
      throw new MediaflowError(
        'validation_failed',
        'The list query is invalid',
        zodIssuesToDetails(parsed.error.issues),
      );
    }
    const query = parsed.data;
    return this.store.autocommit(async (repos) => {
      const { rows, total } = await repos.tasks.list(projectId, query);
      const fileIds = rows
        .flatMap((row) => [row.input_file_id, row.output_file_id])
        .filter((f): f is string => f !== null);
      const files = indexFiles(
        await repos.files.ofTasks(
          rows.map((row) => row.id),
          fileIds,
        ),
      );
      const runs = rows.filter((row) => row.kind === 'workflow').map((row) => row.id);
      const steps = new Map(runs.map((id) => [id, summariseSteps([])]));
      if (runs.length > 0) {
        for (const { run_id, status, count } of await repos.tasks.stepCounts(runs))
          steps.get(run_id)![status] = count;
      }
      return toList(
        rows.map((row) => toTaskRecord(row, files, steps.get(row.id))),
        query,
        total,
      );
    });
  }

  cancel(projectId: string, id: string): Promise<TaskRecord> {
    if (!taskId.safeParse(id).success) throw notFound('task', id);
    return this.runs.cancel(projectId, id);
  }

  retry(request: RetryRequest): Promise<TaskRecord> {
    if (!taskId.safeParse(request.taskId).success) throw notFound('task', request.taskId);
    return this.runs.retry(request);
  }
}
