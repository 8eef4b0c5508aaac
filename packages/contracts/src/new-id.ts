import { randomInt } from 'node:crypto';
import { ID_BODY_LENGTH, type IdPrefix } from './ids';

// Node only (node:crypto): left out of the browser entry (browser.ts).

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `<prefix>_` plus 16 lowercase alphanumerics drawn from a CSPRNG. */
export function newId(prefix: IdPrefix): string {
  let body = '';
  for (let i = 0; i < ID_BODY_LENGTH; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}_${body}`;
}
