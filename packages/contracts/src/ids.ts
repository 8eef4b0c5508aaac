import { z } from 'zod';

/** Object id prefixes, as docs/http-api.md lists them. */
export const ID_PREFIX = {
  automation: 'auto',
  task: 'task',
  file: 'file',
  project: 'prj',
  apiKey: 'key',
  webhookEndpoint: 'we',
  /** Derived from the change it names, never drawn (task-events.ts). */
  event: 'evt',
} as const;
export type IdPrefix = (typeof ID_PREFIX)[keyof typeof ID_PREFIX];

/** Characters after the prefix; ids are drawn by `newId` (new-id.ts, Node only). */
export const ID_BODY_LENGTH = 16;

export function idSchema(prefix: IdPrefix) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[a-z0-9]{${ID_BODY_LENGTH}}$`), `must be a ${prefix}_ id`);
}
