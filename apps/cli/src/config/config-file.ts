import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseStoredConfig, type StoredConfig } from './resolve-config';

/** The config file, or undefined when there is none yet. */
export function readConfigFile(configPath: string): StoredConfig | undefined {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseStoredConfig(text, configPath);
}

/**
 * Writes the config readable by its owner only (0600, in a 0700 folder): it
 * holds an API key. Written beside and renamed into place, so a crash never
 * leaves half a file, and the key is never readable by others, even briefly.
 */
export function writeConfigFile(configPath: string, config: StoredConfig): void {
  mkdirSync(path.dirname(configPath), { recursive: true, mode: 0o700 });
  const temporary = `${configPath}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync applies only to a new file; a leftover one keeps its own.
  chmodSync(temporary, 0o600);
  renameSync(temporary, configPath);
}
