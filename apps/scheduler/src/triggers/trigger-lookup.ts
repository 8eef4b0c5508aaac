import { registryRpc, type Automation } from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';

/**
 * How long a stored file's completion waits for the registry: `POST /files`
 * waits for that completion. Past it the file is stored all the same and
 * the reconciler fires its triggers once the registry answers.
 */
export const TRIGGER_LOOKUP_TIMEOUT_MS = 5_000;

/** Asks the registry, which owns automations, which of a project's could fire on a stored file. */
@Injectable()
export class TriggerLookup {
  private readonly logger = new Logger(TriggerLookup.name);

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  /**
   * The project's active automations with a trigger on `file.created`;
   * undefined when the registry did not answer (logged), so that the
   * triggers are evaluated later rather than taken for none.
   */
  async onFileCreated(projectId: string): Promise<Automation[] | undefined> {
    try {
      const { data } = await this.bus.request(
        registryRpc.listTriggered,
        { project_id: projectId, event: 'file.created' },
        { timeoutMs: TRIGGER_LOOKUP_TIMEOUT_MS },
      );
      return data;
    } catch (error) {
      this.logger.warn(
        `triggers of project ${projectId} not looked up, left to the reconciler: ${(error as Error).message}`,
      );
      return undefined;
    }
  }
}
