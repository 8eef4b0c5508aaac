import type { z } from 'zod';
import { audioKind } from './audio';
import type { TaskKindDeclaration } from './define-kind';
import { imageKind } from './image';
import { ingestKind } from './ingest';
import { nsfwKind } from './nsfw';
import { speechKind } from './speech';
import { subtitlesKind } from './subtitles';
import { summaryKind } from './summary';
import { thumbnailsKind } from './thumbnails';
import { attemptBudget, type AttemptBudget, type BudgetInput } from './time-budget';
import { videoKind } from './video';

export * from './audio';
export * from './common';
export * from './define-kind';
export * from './image';
export * from './ingest';
export * from './nsfw';
export * from './speech';
export * from './subtitles';
export * from './summary';
export * from './thumbnails';
export * from './time-budget';
export * from './video';

/** Every task kind, keyed by name: the registry everything else reads. */
export const TASK_KINDS = {
  ingest: ingestKind,
  video: videoKind,
  audio: audioKind,
  thumbnails: thumbnailsKind,
  image: imageKind,
  nsfw: nsfwKind,
  speech: speechKind,
  subtitles: subtitlesKind,
  summary: summaryKind,
} as const;

export type TaskKind = keyof typeof TASK_KINDS;
export const TASK_KIND_NAMES = Object.keys(TASK_KINDS) as [TaskKind, ...TaskKind[]];

/** Kinds made only by the scheduler, never written in a workflow. */
type InternalTaskKind = {
  [K in TaskKind]: (typeof TASK_KINDS)[K] extends { internal: true } ? K : never;
}[TaskKind];
export type WorkflowTaskKind = Exclude<TaskKind, InternalTaskKind>;

/** Kinds a user may write in a workflow (ingest is the scheduler's own). */
export const WORKFLOW_TASK_KINDS = TASK_KIND_NAMES.filter(
  (k): k is WorkflowTaskKind => !(TASK_KINDS[k] as TaskKindDeclaration).internal,
) as [WorkflowTaskKind, ...WorkflowTaskKind[]];

export type TaskOptions<K extends TaskKind> = z.output<(typeof TASK_KINDS)[K]['options']>;

export function isTaskKind(value: unknown): value is TaskKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TASK_KINDS, value);
}

export function taskKind(kind: TaskKind): TaskKindDeclaration {
  return TASK_KINDS[kind];
}

/**
 * One attempt's time budget for a step of `kind` with `options` on `input`
 * (time-budget.ts): null when the kind has none or the input's length is
 * unknown. Options that do not parse (never, for validated ones) count as
 * the defaults.
 */
export function taskTimeBudget(
  kind: TaskKind,
  options: Record<string, unknown>,
  input: BudgetInput,
): AttemptBudget | null {
  const declaration = taskKind(kind);
  const parsed = declaration.options.safeParse(options);
  return attemptBudget(declaration.timeBudget, parsed.success ? parsed.data : {}, input);
}
