import { ERROR_STATUS } from '@mediaflow/contracts';
import { MediaflowApiError, STATUS_OF_CODE, apiErrorFromEnvelope, apiErrorOf } from './errors';

describe('errors', () => {
  it("knows each code's status as the contracts do", () => {
    expect(STATUS_OF_CODE).toEqual(ERROR_STATUS);
  });

  it('reads the error envelope, details included', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          code: 'validation_failed',
          message: 'The request is invalid',
          details: [{ path: 'workflow[0].options.width', message: 'must be ≤ 7680' }],
        },
      }),
      { status: 400, headers: { 'x-request-id': 'r1' } },
    );
    const error = await apiErrorOf(response);
    expect(error).toBeInstanceOf(MediaflowApiError);
    expect(error).toMatchObject({
      name: 'MediaflowApiError',
      status: 400,
      code: 'validation_failed',
      message: 'The request is invalid',
      details: [{ path: 'workflow[0].options.width', message: 'must be ≤ 7680' }],
    });
    expect(error.headers.get('x-request-id')).toBe('r1');
  });

  it("says so when an answer is not the API's (a proxy's 502 page)", async () => {
    const error = await apiErrorOf(
      new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    expect(error).toMatchObject({ status: 502, code: 'unexpected_response', details: [] });
    expect(error.message).toContain('Bad Gateway');
  });

  it("gives a streamed error its code's status", () => {
    expect(
      apiErrorFromEnvelope({ error: { code: 'unauthorized', message: 'revoked' } }, undefined),
    ).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(apiErrorFromEnvelope({ nope: true }, undefined)).toBeUndefined();
  });

  it('is recognised across copies of the class', () => {
    const error = new MediaflowApiError({ status: 404, code: 'not_found', message: 'gone' });
    expect(MediaflowApiError.is(error)).toBe(true);
    expect(MediaflowApiError.is(new Error('x'))).toBe(false);
    expect(MediaflowApiError.is({ status: 404, code: 'not_found' })).toBe(false);
  });
});
