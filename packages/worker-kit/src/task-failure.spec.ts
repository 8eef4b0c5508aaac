import { MediaflowError } from '@mediaflow/contracts';
import { AttemptError, taskFailure } from './task-failure';

describe('taskFailure', () => {
  it.each([
    ['input_unreadable', false],
    ['input_too_large', false],
    ['unsupported_input', false],
    ['no_audio_stream', false],
    ['cancelled', false],
    ['provider_unavailable', true],
    ['timeout', true],
    ['internal', true],
  ] as const)('%s → retryable %s, with its own message', (code, retryable) => {
    expect(taskFailure(new MediaflowError(code, `because ${code}`))).toEqual({
      error: { code, message: `because ${code}` },
      retryable,
      unexpected: false,
    });
  });

  it.each([
    ['timeout', false],
    ['internal', false],
    ['input_unreadable', true],
  ] as const)(
    'takes the retryability an AttemptError was given over its code’s: %s → %s',
    (code, retryable) => {
      expect(taskFailure(new AttemptError(code, 'decided where it happened', retryable))).toEqual({
        error: { code, message: 'decided where it happened' },
        retryable,
        unexpected: false,
      });
    },
  );

  it('reports anything else as a retryable internal error without its text', () => {
    const failure = taskFailure(
      new TypeError("Cannot read properties of undefined (reading 'secret')"),
    );
    expect(failure).toMatchObject({
      error: { code: 'internal' },
      retryable: true,
      unexpected: true,
    });
    expect(failure.error.message).not.toMatch(/secret|undefined/);
    expect(taskFailure('a string').error.code).toBe('internal');
  });
});
