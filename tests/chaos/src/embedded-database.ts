import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The all-in-one's embedded PostgreSQL, as its supervisor
 * (packages/database) leaves it in the data dir: the superuser's password
 * in `postgres.password`, and the port of this start in the cluster's
 * `postmaster.pid` (its fourth line).
 */
export function embeddedDatabaseUrl(dataDir: string): string {
  const password = readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  const port = postmasterLines(dataDir)[3]?.trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/mediaflow`;
}

/**
 * Kills the embedded PostgreSQL a killed all-in-one left running, if one
 * is: the next start would stop it, but when the round ends on a dead
 * all-in-one no next start comes. The server runs in its own process group.
 */
export function killOrphanedPostgres(dataDir: string): void {
  const pid = Number(postmasterLines(dataDir)[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cluster = path.join(dataDir, 'postgres');
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // gone
  }
  if (command.includes(cluster)) process.kill(-pid, 'SIGKILL');
}

function postmasterLines(dataDir: string): string[] {
  try {
    return readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return [];
  }
}
