import { clientErrorResponse } from './framework-errors';

describe('clientErrorResponse', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'headers_too_large', /^The request headers, the URL included/],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request_timeout', /^The request was not received in time$/],
    ['HPE_INVALID_METHOD', 400, 'validation_failed', /^The request is not valid HTTP$/],
    [undefined, 400, 'validation_failed', /^The request is not valid HTTP$/],
  ])('answers %s with %d %s', (code, status, errorCode, message) => {
    const response = clientErrorResponse(code);
    expect(response.status).toBe(status);
    expect(response.envelope).toEqual({
      error: { code: errorCode, message: expect.stringMatching(message) },
    });
  });
});
