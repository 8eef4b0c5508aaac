import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes a benchmark's results as JSON under bench/results/, with the machine they ran on. */
export function writeResults(name: string, results: Record<string, unknown>): string {
  const dir = path.resolve(__dirname, '../results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  writeFileSync(
    file,
    JSON.stringify({ name, at: new Date().toISOString(), machine, ...results }, null, 2) + '\n',
  );
  return file;
}
