import { TEXT_PROBLEMS } from '@mediaflow/contracts';
import type { FastifyRequest } from 'fastify';
import { unstorableTextError } from './request-text';
import { StreamedBody } from './streamed-body';

/** Objects as Fastify's router and query parser make them: no Object.prototype. */
function bare<T extends object>(value: T): T {
  return Object.assign(Object.create(null) as object, value) as T;
}

function request(parts: { params?: object; query?: object; body?: unknown }): FastifyRequest {
  return {
    params: bare(parts.params ?? {}),
    query: bare(parts.query ?? {}),
    body: parts.body,
  } as FastifyRequest;
}

describe('unstorableTextError', () => {
  it('passes a request whose text can all be stored', () => {
    expect(
      unstorableTextError(
        request({
          params: { id: 'auto_abcdefgh12345678' },
          query: { filename: 'clip 😀.mp4' },
          body: { name: 'x', workflow: [{ kind: 'video', options: { filename: 'a.mp4' } }] },
        }),
      ),
    ).toBeUndefined();
  });

  it.each([
    ['a path parameter', { params: { id: 'a\u0000' } }, 'The path is invalid', 'id'],
    [
      'a query parameter',
      { query: { filename: 'a\u0000.mp4' } },
      'The query string is invalid',
      'filename',
    ],
    [
      'a repeated query parameter',
      { query: { filename: ['ok', 'a\u0000'] } },
      'The query string is invalid',
      'filename[1]',
    ],
    [
      'a string deep in the body',
      { body: { workflow: [{ kind: 'video', options: { filename: 'a\u0000' } }] } },
      'The request body is invalid',
      'workflow[0].options.filename',
    ],
  ])('refuses NUL in %s, naming its path', (_name, parts, message, path) => {
    expect(unstorableTextError(request(parts))?.toBody()).toEqual({
      code: 'validation_failed',
      message,
      details: [{ path, message: TEXT_PROBLEMS.nul }],
    });
  });

  it('names a bad key by its own path', () => {
    expect(
      unstorableTextError(request({ body: { options: { ['wi\ud800dth']: 1 } } }))?.details,
    ).toEqual([
      { path: 'options["wi\\ud800dth"]', message: `key ${TEXT_PROBLEMS.unpairedSurrogate}` },
    ]);
  });

  it("leaves an upload's body to its route, and still checks its query", () => {
    const upload = new StreamedBody('video/mp4', 10, 'a\u0000');
    expect(unstorableTextError(request({ body: upload }))).toBeUndefined();
    expect(
      unstorableTextError(request({ body: upload, query: { filename: 'a\u0000' } }))?.details,
    ).toEqual([{ path: 'filename', message: TEXT_PROBLEMS.nul }]);
  });
});
