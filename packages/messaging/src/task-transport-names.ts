import {
  TASK_CANCEL_SUBJECT,
  TASK_CHANGES_SUBJECT,
  TASK_STREAMS,
  taskEventSubject,
  taskRunSubject,
  type TaskKind,
} from '@mediaflow/contracts';

/** Every JetStream name one installation uses, from its NATS_SUBJECT_PREFIX. */
export interface TaskTransportNames {
  workStream: string;
  eventStream: string;
  /** The wildcard the work stream captures. */
  workSubjects: string;
  /** The wildcard the event stream captures, and what followers subscribe to. */
  eventSubjects: string;
  cancelSubject: string;
  /** Core NATS: the scheduler's change notifications. */
  changesSubject: string;
  runSubject(kind: TaskKind): string;
  eventSubject(kind: TaskKind): string;
  /** The durable pull consumer of one kind, shared by every replica of its worker. */
  workConsumer(kind: TaskKind): string;
  /** The durable consumer of every event, one per consuming service. */
  eventConsumer(durable: string): string;
}

// Stream and consumer names are single tokens: no dots, wildcards or spaces.
const NAME_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Subjects get `<prefix>.` in front, stream and consumer names `<prefix>_`
 * (names cannot hold dots). Without a prefix the contract names are used as
 * they are.
 */
export function taskTransportNames(prefix?: string): TaskTransportNames {
  if (prefix !== undefined && !NAME_TOKEN.test(prefix)) {
    throw new Error(`The subject prefix "${prefix}" must be letters, digits, _ or -`);
  }
  const subject = (s: string) => (prefix ? `${prefix}.${s}` : s);
  const name = (n: string) => (prefix ? `${prefix}_${n}` : n);
  return {
    workStream: name(TASK_STREAMS.work.name),
    eventStream: name(TASK_STREAMS.events.name),
    workSubjects: subject(TASK_STREAMS.work.subjects),
    eventSubjects: subject(TASK_STREAMS.events.subjects),
    cancelSubject: subject(TASK_CANCEL_SUBJECT),
    changesSubject: subject(TASK_CHANGES_SUBJECT),
    runSubject: (kind) => subject(taskRunSubject(kind)),
    eventSubject: (kind) => subject(taskEventSubject(kind)),
    workConsumer: (kind) => name(`work_${kind}`),
    eventConsumer: (durable) => {
      if (!NAME_TOKEN.test(durable))
        throw new Error(`The durable name "${durable}" must be letters, digits, _ or -`);
      return name(`events_${durable}`);
    },
  };
}
