import type { RunningAllInOne } from './all-in-one';

const DATABASE = {
  embedded: 'embedded PostgreSQL, kept in the data dir',
  server: 'PostgreSQL at DATABASE_URL',
} as const;
const MESSAGING = {
  'in-process': 'in-process, journalled in the data dir',
  nats: 'NATS at NATS_URL',
} as const;

/** What `pnpm start` prints once every service is up: where, with which key, and where the data lives. */
export function startedBanner(
  running: Pick<RunningAllInOne, 'url' | 'apiKey' | 'dataDir' | 'database' | 'messaging'>,
): string {
  return [
    '',
    `Mediaflow is running: ${running.url}  (API docs: ${running.url}/docs)`,
    `API key:   ${running.apiKey.key}  (from ${running.apiKey.source})`,
    `Data:      ${running.dataDir}`,
    `Database:  ${DATABASE[running.database]}`,
    `Messaging: ${MESSAGING[running.messaging]}`,
    `CLI:       pnpm -s mediaflow login --url ${running.url} --key ${running.apiKey.key}  (then: pnpm -s mediaflow --help)`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
