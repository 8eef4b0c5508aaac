import {
  MediaflowError,
  registryRpc,
  schedulerRpc,
  type List,
  type TaskListQuery,
  type TaskObject,
  type TaskRecord,
} from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { FileUrls } from '../files/file-urls';
import { withoutUndefined } from '../http/request-parsing';
import { ProjectsService } from '../projects/projects.service';
import { RunsInFlightLimits } from '../projects/runs-in-flight-limits';
import { TaskWaiter } from '../task-changes/task-waiter';
import { presentTask } from './present-task';
import type { RunRequest, TaskSubmission } from './task-input';

/** How a created run is answered, and under which idempotency claim it is created. */
export interface Creation {
  /** The request's origin, for signed file URLs. */
  origin: string;
  /** `Prefer: wait`: answer once it has ended, or after this many seconds. */
  waitS?: number | undefined;
  /** The claim of the request's `Idempotency-Key` (IdempotencyClaim), if it sent one. */
  claim?: string | undefined;
}

/**
 * Runs and tasks belong to the scheduler, automations to the registry: the
 * gateway checks what the client sent, asks them with the caller's project,
 * and presents the answer with signed file URLs. Their errors (404, 409, …)
 * pass through; no service answering is a 503.
 */
@Injectable()
export class TasksService {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly projects: ProjectsService,
    private readonly urls: FileUrls,
    private readonly waiter: TaskWaiter,
    private readonly runsInFlight: RunsInFlightLimits,
  ) {}

  /**
   * A run of a saved automation, on the workflow it has now (later edits
   * never change it); with `waitS` (`Prefer: wait`), as it is once it has
   * ended or when that many seconds have passed.
   */
  async runAutomation(
    projectId: string,
    automationId: string,
    run: RunRequest,
    { origin, waitS, claim }: Creation,
  ): Promise<TaskObject> {
    const automation = await this.bus.request(registryRpc.get, {
      project_id: projectId,
      id: automationId,
    });
    if (automation.status === 'paused') {
      throw new MediaflowError(
        'conflict',
        `Automation ${automation.id} is paused: set its status to active to run it`,
      );
    }
    const webhook = await this.webhook(projectId, run.webhookUrl);
    const since = this.waiter.mark();
    const created = await this.bus.request(schedulerRpc.createRun, {
      project_id: projectId,
      automation_id: automation.id,
      workflow: automation.workflow,
      source: run.source,
      webhook,
      idempotency_key: claim,
      runs_in_flight_limit: await this.runsInFlight.of(projectId),
    });
    return this.answer(projectId, created, origin, waitS, since);
  }

  /** `POST /tasks`: a run of an ad-hoc workflow, or one task of a kind; `waitS` as for a run. */
  async submit(
    projectId: string,
    submission: TaskSubmission,
    { origin, waitS, claim }: Creation,
  ): Promise<TaskObject> {
    const webhook = await this.webhook(projectId, submission.webhookUrl);
    const runsInFlightLimit = await this.runsInFlight.of(projectId);
    const since = this.waiter.mark();
    const created =
      submission.kind === 'workflow'
        ? await this.bus.request(schedulerRpc.createRun, {
            project_id: projectId,
            automation_id: null,
            workflow: submission.workflow,
            source: submission.source,
            webhook,
            idempotency_key: claim,
            runs_in_flight_limit: runsInFlightLimit,
          })
        : await this.bus.request(schedulerRpc.createTask, {
            project_id: projectId,
            kind: submission.kind,
            options: submission.options,
            source: submission.source,
            webhook,
            idempotency_key: claim,
            runs_in_flight_limit: runsInFlightLimit,
          });
    return this.answer(projectId, created, origin, waitS, since);
  }

  async list(projectId: string, query: TaskListQuery, origin: string): Promise<List<TaskObject>> {
    const list = await this.bus.request(schedulerRpc.listTasks, {
      project_id: projectId,
      query: withoutUndefined(query),
    });
    const urlOf = this.urls.forOrigin(origin);
    return { ...list, data: list.data.map((task) => presentTask(task, urlOf)) };
  }

  async get(projectId: string, id: string, origin: string): Promise<TaskObject> {
    return this.present(await this.record(projectId, id), origin);
  }

  /** The task as the scheduler has it, files unsigned: for the event stream to compare. */
  record(projectId: string, id: string): Promise<TaskRecord> {
    return this.bus.request(schedulerRpc.getTask, { project_id: projectId, id });
  }

  async cancel(projectId: string, id: string, origin: string): Promise<TaskObject> {
    const cancelled = await this.bus.request(schedulerRpc.cancelTask, {
      project_id: projectId,
      id,
    });
    return this.present(cancelled, origin);
  }

  /**
   * `POST /tasks/:id/retry`: the run (or task, or step) runs again what
   * failed or was cancelled; with `waitS`, answered once it has ended again.
   */
  async retry(
    projectId: string,
    id: string,
    { origin, waitS, claim }: Creation,
  ): Promise<TaskObject> {
    const since = this.waiter.mark();
    const retried = await this.bus.request(schedulerRpc.retryTask, {
      project_id: projectId,
      id,
      idempotency_key: claim,
      runs_in_flight_limit: await this.runsInFlight.of(projectId),
    });
    return this.answer(projectId, retried, origin, waitS, since);
  }

  present(task: TaskRecord, origin: string): TaskObject {
    return presentTask(task, this.urls.forOrigin(origin));
  }

  /**
   * A task just made, as the POST answers it: presented at once, or after
   * waiting up to `waitS` for it to end. A preference is only that: if the
   * wait cannot be had (the scheduler failing the reads), the task is
   * answered as made.
   */
  private async answer(
    projectId: string,
    created: TaskRecord,
    origin: string,
    waitS: number | undefined,
    since: number,
  ): Promise<TaskObject> {
    const task =
      waitS === undefined
        ? created
        : await this.waiter
            .untilEnded(projectId, created, waitS * 1000, since)
            .catch(() => created);
    return this.present(task, origin);
  }

  /** Where and how to sign the POST when the task ends (docs/http-api.md, Webhooks). */
  private async webhook(projectId: string, url: string | null) {
    return url ? { url, secret: await this.projects.webhookSecret(projectId) } : null;
  }
}
