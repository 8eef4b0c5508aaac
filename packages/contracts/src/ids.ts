import { randomInt } from 'node:crypto';
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

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_BODY_LENGTH = 16;

/** `<prefix>_` plus 16 lowercase alphanumerics drawn from a CSPRNG. */
export function newId(prefix: IdPrefix): string {
  let body = '';
  for (let i = 0; i < ID_BODY_LENGTH; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}_${body}`;
}

export function idSchema(prefix: IdPrefix) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[a-z0-9]{${ID_BODY_LENGTH}}$`), `must be a ${prefix}_ id`);
}
