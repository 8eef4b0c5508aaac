import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { DataDirInUseError } from '@mediaflow/database';
import { inProcessMessaging } from './messaging';

describe('inProcessMessaging', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mf-messaging-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a journal another live process owns, and takes over one whose owner is gone', async () => {
    // Another process holding the journal: a sleeping node that claims it, as a second `pnpm start` would.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(require.resolve('@mediaflow/database'))}).claimOwnerFile(${JSON.stringify(
          path.join(dataDir, 'messaging.owner'),
        )}, '.').then(() => { console.log('held'); setInterval(() => {}, 1000); })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
      await expect(inProcessMessaging(dataDir)).rejects.toThrow(DataDirInUseError);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    const messaging = await inProcessMessaging(dataDir);
    expect(messaging).toMatchObject({
      kind: 'in-process',
      journalDir: path.join(dataDir, 'messaging'),
    });
    await messaging.close();
    // Released on close: a restart takes it again.
    await (await inProcessMessaging(dataDir)).close();
  });
});
