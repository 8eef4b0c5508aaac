import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface StartupApiKey {
  key: string;
  /** Where it came from: `MEDIAFLOW_API_KEY` or the file it is kept in. */
  source: string;
}

/**
 * The admin key `pnpm start` prints: MEDIAFLOW_API_KEY when set, otherwise
 * one generated at the first start and kept (0600) in `<dataDir>/api-key`,
 * so that scripts written against it keep working after a restart.
 */
export function startupApiKey(dataDir: string, fromEnv: string | undefined): StartupApiKey {
  if (fromEnv) return { key: fromEnv, source: 'MEDIAFLOW_API_KEY' };
  const file = path.join(dataDir, 'api-key');
  if (!existsSync(file)) {
    const body = Array.from({ length: 40 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `mf_${body}\n`, { mode: 0o600, flag: 'wx' });
  }
  return { key: readFileSync(file, 'utf8').trim(), source: file };
}
