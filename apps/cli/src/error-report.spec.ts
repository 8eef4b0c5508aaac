import { UsageError, WorkFailedError } from './cli-errors';
import { errorEnvelope, errorText } from './error-report';

const apiError = Object.assign(new Error('The request is invalid'), {
  status: 400,
  code: 'validation_failed',
  details: [{ path: 'workflow[0].options.width', message: 'must be ≤ 7680' }],
});

describe('errorText', () => {
  it('an API refusal: message, code and status, then each problem with its path', () => {
    expect(errorText(apiError, 'automations apply')).toBe(
      'mediaflow: The request is invalid (validation_failed, HTTP 400)\n  workflow[0].options.width: must be ≤ 7680\n',
    );
  });

  it('a usage error points at the command’s help', () => {
    expect(errorText(new UsageError('missing <automation>'), 'run')).toBe(
      'mediaflow: missing <automation>\nRun `mediaflow run --help` for usage.\n',
    );
    expect(errorText(new UsageError('no command'), '')).toContain(
      'Run `mediaflow --help` for usage.',
    );
  });

  it('a server that does not answer', () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(errorText(error, 'automations list')).toBe(
      'mediaflow: cannot reach the server: ECONNREFUSED\n',
    );
  });
});

describe('errorEnvelope (--json)', () => {
  it.each([
    [
      'an API error',
      apiError,
      { code: 'validation_failed', status: 400, details: apiError.details },
    ],
    ['a usage error', new UsageError('x'), { code: 'usage', message: 'x' }],
    [
      'failed work',
      new WorkFailedError('the run failed'),
      { code: 'failed', message: 'the run failed' },
    ],
    [
      'no answer, after the SDK’s retries',
      Object.assign(new Error('cannot reach http://127.0.0.1:9: ECONNREFUSED'), {
        name: 'MediaflowConnectionError',
      }),
      { code: 'unreachable', message: 'cannot reach http://127.0.0.1:9: ECONNREFUSED' },
    ],
    ['anything else', new Error('boom'), { code: 'internal', message: 'boom' }],
  ])('%s', (_name, error, expected) => {
    expect(errorEnvelope(error).error).toMatchObject(expected);
  });
});
