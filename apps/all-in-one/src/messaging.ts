import { claimOwnerFile, releaseOwnerFile } from '@mediaflow/database';
import { InProcessBroker, type MessageBus, type TaskTransport } from '@mediaflow/messaging';
import { Logger } from '@nestjs/common';
import path from 'node:path';

/** What one service of the process is given to talk to the others. */
export interface ServiceMessaging {
  /** The bus to use; undefined when the service connects to NATS_URL itself (and owns that connection). */
  bus?: MessageBus;
  transport?: TaskTransport;
  /** Closes what was handed out, once the service has stopped using it. */
  close(): Promise<void>;
}

export interface ProcessMessaging {
  /** `nats` when NATS_URL is set, otherwise the in-process driver. */
  readonly kind: 'nats' | 'in-process';
  /** Where the in-process driver journals its queues and events. */
  readonly journalDir?: string;
  forService(
    service: string,
    settings: { ackWaitMs: number; requestTimeoutMs: number },
  ): ServiceMessaging;
  close(): Promise<void>;
}

const NOTHING_TO_CLOSE: ServiceMessaging = { close: async () => undefined };

/** NATS: every service connects to NATS_URL on its own, exactly as in the services mode. */
export function natsMessaging(): ProcessMessaging {
  return { kind: 'nats', forService: () => NOTHING_TO_CLOSE, close: async () => undefined };
}

/**
 * The in-process driver, journalled under `<dataDir>/messaging`: work and
 * events accepted before a crash or a restart are delivered after it. Two
 * processes on one journal would overwrite each other's records, so the
 * journal has an owner file, as the embedded database has (which does not
 * guard it when DATABASE_URL is set).
 */
export async function inProcessMessaging(dataDir: string): Promise<ProcessMessaging> {
  const journalDir = path.join(dataDir, 'messaging');
  const owner = path.join(dataDir, 'messaging.owner');
  await claimOwnerFile(owner, dataDir);
  const logger = new Logger('TaskTransport');
  let broker: InProcessBroker;
  try {
    broker = await InProcessBroker.open({
      dir: journalDir,
      // A journal write or compaction that failed after the fact: nobody else would hear of it.
      onError: (context, error) =>
        new Logger('InProcessBroker').error(
          `${context}: ${(error as Error)?.message ?? String(error)}`,
        ),
    });
  } catch (error) {
    await releaseOwnerFile(owner);
    throw error;
  }
  return {
    kind: 'in-process',
    journalDir,
    forService(service, { ackWaitMs, requestTimeoutMs }) {
      const bus = broker.messageBus({
        name: service,
        requestTimeoutMs,
        onHandlerError: (subject, error) =>
          new Logger('MessageBus').error(
            `${subject} failed`,
            (error as Error)?.stack ?? String(error),
          ),
      });
      const transport = broker.taskTransport({
        name: service,
        ackWaitMs,
        onInvalid: (subject, reason) =>
          logger.warn(`dropped an invalid message on ${subject}: ${reason}`),
        onError: (context, error) =>
          logger.error(`${context}: ${(error as Error)?.message ?? String(error)}`),
      });
      return {
        bus,
        transport,
        close: async () => {
          await transport.close();
          await bus.close();
        },
      };
    },
    close: async () => {
      await broker.close();
      await releaseOwnerFile(owner);
    },
  };
}
