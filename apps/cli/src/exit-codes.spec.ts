import { SilentExit, UsageError, WorkFailedError } from './cli-errors';
import { EXIT, exitCodeForError, exitCodeForTask } from './exit-codes';

describe('exit codes', () => {
  it.each([
    [new UsageError('missing <automation>'), EXIT.usage],
    [new SilentExit(1), EXIT.failed],
    [new SilentExit(2), EXIT.usage],
    [new WorkFailedError('the run failed'), EXIT.failed],
    [Object.assign(new Error('Not found'), { status: 404, code: 'not_found' }), EXIT.failed],
    [new TypeError('fetch failed'), EXIT.failed],
    ['a string thrown', EXIT.failed],
  ])('%s → %i', (error, code) => {
    expect(exitCodeForError(error)).toBe(code);
  });

  it.each([
    ['completed', 0],
    ['skipped', 0],
    ['processing', 0],
    ['pending', 0],
    ['waiting', 0],
    ['failed', 1],
    ['cancelled', 1],
  ] as const)('a task left %s → %i', (status, code) => {
    expect(exitCodeForTask({ status })).toBe(code);
  });
});
