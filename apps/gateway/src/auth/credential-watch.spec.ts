import { MediaflowError } from '@mediaflow/contracts';
import { Logger } from '@nestjs/common';
import { credentialKey, type Credential } from './credential';
import { CREDENTIAL_CHECK_MS, CredentialWatch } from './credential-watch';

const A: Credential = { kind: 'api_key', id: 'key_aaaaaaaaaaaaaaaa' };
const B: Credential = { kind: 'api_key', id: 'key_bbbbbbbbbbbbbbbb' };

/**
 * The database's answer: the keys in `valid` are valid. Records the ids of
 * each check; `hold()` keeps the next answers waiting, `fail()` rejects the next.
 */
function keyTable(...valid: Credential[]) {
  const table = {
    valid: new Set(valid.map(credentialKey)),
    asked: [] as string[][],
    held: undefined as Promise<void> | undefined,
    failures: 0,
    async stillValid(credentials: readonly Credential[]): Promise<Set<string>> {
      table.asked.push(credentials.map((credential) => credential.id));
      await table.held;
      if (table.failures > 0) {
        table.failures--;
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      }
      return new Set(credentials.map(credentialKey).filter((key) => table.valid.has(key)));
    },
    hold(): () => void {
      let release!: () => void;
      table.held = new Promise((resolve) => (release = resolve));
      return () => {
        table.held = undefined;
        release();
      };
    },
  };
  return table;
}

/** A holder that records the reasons it was told. */
function holder() {
  const reasons: MediaflowError[] = [];
  const revoked = (reason: MediaflowError) => void reasons.push(reason);
  return { reasons, revoked };
}

const beats = (n: number) => jest.advanceTimersByTimeAsync(n * CREDENTIAL_CHECK_MS);

let watch: CredentialWatch;
let warn: ReturnType<typeof jest.spyOn>;
beforeEach(() => {
  jest.useFakeTimers();
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  watch?.onModuleDestroy();
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('CredentialWatch', () => {
  it('checks nothing while nothing is held, then once a beat for all that is, and stops once all is let go', async () => {
    const table = keyTable(A, B);
    watch = new CredentialWatch(table);
    await beats(3);
    expect(table.asked).toEqual([]);

    const releases = [watch.hold(A, jest.fn()), watch.hold(A, jest.fn()), watch.hold(B, jest.fn())];
    await beats(1);
    expect(table.asked).toEqual([[A.id, B.id]]);
    await beats(2);
    expect(table.asked).toHaveLength(3);

    for (const release of releases) release();
    await beats(3);
    expect(table.asked).toHaveLength(3);

    watch.hold(B, jest.fn());
    await beats(1);
    expect(table.asked.at(-1)).toEqual([B.id]);
  });

  it('ends the holders of a credential no longer valid with `unauthorized`, once, and no one else', async () => {
    const table = keyTable(A, B);
    watch = new CredentialWatch(table);
    const [first, second, other] = [holder(), holder(), holder()];
    watch.hold(A, first.revoked);
    watch.hold(A, second.revoked);
    watch.hold(B, other.revoked);
    await beats(1);
    expect(first.reasons).toEqual([]);

    table.valid.delete(credentialKey(A));
    await beats(1);
    for (const told of [first, second]) {
      expect(told.reasons).toHaveLength(1);
      expect(told.reasons[0]).toBeInstanceOf(MediaflowError);
      expect(told.reasons[0]!.toBody()).toEqual({
        code: 'unauthorized',
        message: 'The API key of this stream was revoked',
      });
    }
    expect(other.reasons).toEqual([]);
    await beats(2);
    expect(first.reasons).toHaveLength(1);
    expect(table.asked.at(-1)).toEqual([B.id]);
  });

  it('ends the holders at once when told of a revocation here, without asking the database', () => {
    const table = keyTable(A, B);
    watch = new CredentialWatch(table);
    const [mine, other] = [holder(), holder()];
    const release = watch.hold(A, mine.revoked);
    watch.hold(B, other.revoked);
    watch.revoked(A);
    expect(mine.reasons.map((reason) => reason.code)).toEqual(['unauthorized']);
    watch.revoked(A);
    release();
    expect(mine.reasons).toHaveLength(1);
    expect(other.reasons).toEqual([]);
    expect(table.asked).toEqual([]);
  });

  it('does not tell a holder that has let go', async () => {
    const table = keyTable();
    watch = new CredentialWatch(table);
    const [gone, staying] = [holder(), holder()];
    watch.hold(A, gone.revoked)();
    watch.hold(A, staying.revoked);
    await beats(1);
    expect(gone.reasons).toEqual([]);
    expect(staying.reasons).toHaveLength(1);
  });

  it('ends nothing when a check fails, says so once in the log, and judges at the next beat', async () => {
    const table = keyTable();
    table.failures = 2;
    watch = new CredentialWatch(table);
    const told = holder();
    watch.hold(A, told.revoked);
    await beats(2);
    expect(told.reasons).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/ECONNREFUSED/);
    await beats(1);
    expect(told.reasons).toHaveLength(1);
  });

  it('makes one check at a time: a slow answer skips beats rather than stacking queries', async () => {
    const table = keyTable(A);
    watch = new CredentialWatch(table);
    watch.hold(A, jest.fn());
    const release = table.hold();
    await beats(4);
    expect(table.asked).toHaveLength(1);
    release();
    await beats(1);
    expect(table.asked).toHaveLength(2);
  });

  it('does not judge a credential first held during a check by that check', async () => {
    const table = keyTable(A, B);
    watch = new CredentialWatch(table);
    watch.hold(A, jest.fn());
    const release = table.hold();
    await beats(1);
    const late = holder();
    watch.hold(B, late.revoked);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(table.asked).toEqual([[A.id]]);
    expect(late.reasons).toEqual([]);
  });
});
