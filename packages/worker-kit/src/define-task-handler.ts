import {
  MediaflowError,
  taskKind,
  type TASK_KINDS,
  type StoredFile,
  type TaskKind,
  type TaskOptions,
} from '@mediaflow/contracts';
import type { z } from 'zod';
import type { HandlerResult, TaskContext, TaskHandler } from './task-handler';

/** Kinds whose step takes an input file: every kind that accepts one (not `ingest`, whose source is a URL or an upload). */
type FileInputKind = {
  [K in TaskKind]: (typeof TASK_KINDS)[K]['accepts'] extends readonly [] ? never : K;
}[TaskKind];

/** A kind's input as its handler gets it: the input file, checked there; for `ingest`, the staged upload's path if any. */
export type KindInput<K extends TaskKind> = K extends FileInputKind
  ? { input: StoredFile; inputPath: string }
  : { inputPath: string | null };

/** What a kind's handler is given: the dispatch's options parsed with the kind's schema, and its input. */
export type KindTaskContext<K extends TaskKind> = Omit<TaskContext, 'inputPath'> &
  KindInput<K> & { options: TaskOptions<K> };

export interface TaskHandlerSettings {
  /**
   * What a dispatch whose options the kind's schema refuses fails with. They
   * were validated at submission, so by default it is `internal` (a bug, or
   * a scheduler of another version); `validation_failed` refuses them as the
   * API does, with a detail per issue (`options.<path>`).
   */
  invalidOptions?: 'internal' | 'validation_failed';
}

/** A handler of one kind, as `defineTaskHandler` makes it: the runner calls it with the dispatch as it came. */
export interface KindTaskHandler<K extends TaskKind> extends TaskHandler {
  readonly kind: K;
  /** The checks and parsing alone, for tests of what runs after them. */
  readonly parse: (context: TaskContext) => KindTaskContext<K>;
}

/** What a handler of kind K does with its typed context. */
export type KindTaskRun<K extends TaskKind> = (
  context: KindTaskContext<K>,
) => Promise<HandlerResult>;

/**
 * A task handler of `kind`: the dispatch's input is checked and its options
 * parsed once with the kind's declared schema (as every message is parsed on
 * arrival), and `run` gets them typed.
 */
export function defineTaskHandler<K extends TaskKind>(
  kind: K,
  run: KindTaskRun<K>,
): KindTaskHandler<K>;
export function defineTaskHandler<K extends TaskKind>(
  kind: K,
  settings: TaskHandlerSettings,
  run: KindTaskRun<K>,
): KindTaskHandler<K>;
export function defineTaskHandler<K extends TaskKind>(
  kind: K,
  ...args: [KindTaskRun<K>] | [TaskHandlerSettings, KindTaskRun<K>]
): KindTaskHandler<K> {
  const [settings, run] = args.length === 1 ? [{}, args[0]] : args;
  const parse = (context: TaskContext): KindTaskContext<K> => kindContext(kind, context, settings);
  const handler: TaskHandler = async (context) => run(parse(context));
  return Object.assign(handler, { kind, parse });
}

function kindContext<K extends TaskKind>(
  kind: K,
  context: TaskContext,
  settings: TaskHandlerSettings,
): KindTaskContext<K> {
  const { task, inputPath } = context;
  const takesFile = taskKind(kind).accepts.length > 0;
  if (takesFile && (!task.input || !inputPath))
    throw new MediaflowError('internal', `${aTask(kind)} came without an input file`);
  const parsed = taskKind(kind).options.safeParse(task.options);
  if (!parsed.success) throw invalidOptions(kind, parsed.error, settings.invalidOptions);
  const options = parsed.data as TaskOptions<K>;
  return (
    takesFile ? { ...context, input: task.input, options } : { ...context, options }
  ) as KindTaskContext<K>;
}

function invalidOptions(
  kind: TaskKind,
  error: z.ZodError,
  as: TaskHandlerSettings['invalidOptions'] = 'internal',
): MediaflowError {
  if (as === 'internal')
    return new MediaflowError(
      'internal',
      `The ${kind} task's options are invalid: ${error.message}`,
    );
  return new MediaflowError(
    'validation_failed',
    `The ${kind} options are invalid`,
    error.issues.map((issue) => ({
      path: ['options', ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

/** "An image task", "A video task"; "nsfw" is read letter by letter: "An nsfw task". */
function aTask(kind: TaskKind): string {
  return `${/^(?:[aeiou]|nsfw)/.test(kind) ? 'An' : 'A'} ${kind} task`;
}
