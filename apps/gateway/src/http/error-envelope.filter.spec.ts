import { MediaflowError } from '@mediaflow/contracts';
import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  type ArgumentsHost,
} from '@nestjs/common';
import {
  ErrorEnvelopeFilter,
  NO_SUCH_ROUTE,
  UNAVAILABLE_RETRY_AFTER_S,
  toErrorResponse,
} from './error-envelope.filter';

/** Fastify's errors as its body parser throws them (before Nest maps some of them). */
function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
}

describe('toErrorResponse', () => {
  const cases: [string, unknown, number, string, string | RegExp][] = [
    [
      'a validation MediaflowError',
      new MediaflowError('validation_failed', 'bad', [{ path: 'a', message: 'm' }]),
      400,
      'validation_failed',
      'bad',
    ],
    [
      'an unauthorized MediaflowError',
      new MediaflowError('unauthorized', 'Invalid API key'),
      401,
      'unauthorized',
      'Invalid API key',
    ],
    ['a forbidden MediaflowError', new MediaflowError('forbidden', 'no'), 403, 'forbidden', 'no'],
    [
      'a not-found MediaflowError from the registry',
      new MediaflowError('not_found', 'No automation auto_x'),
      404,
      'not_found',
      'No automation auto_x',
    ],
    [
      'a conflict MediaflowError',
      new MediaflowError('conflict', 'paused'),
      409,
      'conflict',
      'paused',
    ],
    [
      'no registry answering',
      new MediaflowError('service_unavailable', 'No service is answering'),
      503,
      'service_unavailable',
      'No service is answering',
    ],
    [
      'an internal MediaflowError, whose text may name internals',
      new MediaflowError('internal', 'registry.automations.get: the reply does not match'),
      500,
      'internal',
      'Internal error',
    ],
    [
      'Fastify: body too large',
      fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'),
      413,
      'payload_too_large',
      'The request body is larger than 256 KB',
    ],
    [
      'Fastify: body too large, as Nest hands it over',
      new HttpException('Request body is too large', 413),
      413,
      'payload_too_large',
      'The request body is larger than 256 KB',
    ],
    [
      'Fastify: unsupported content type',
      fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type'),
      415,
      'unsupported_media_type',
      'Content-Type must be application/json',
    ],
    [
      'Fastify: unsupported content type, as Nest hands it over',
      new HttpException('Unsupported Media Type', 415),
      415,
      'unsupported_media_type',
      'Content-Type must be application/json',
    ],
    [
      'Fastify: invalid JSON',
      fastifyError(
        'FST_ERR_CTP_INVALID_JSON_BODY',
        400,
        "Body is not valid JSON but content-type is set to 'application/json'",
      ),
      400,
      'validation_failed',
      /not valid JSON/,
    ],
    [
      'Fastify: empty JSON body',
      fastifyError(
        'FST_ERR_CTP_EMPTY_JSON_BODY',
        400,
        "Body cannot be empty when content-type is set to 'application/json'",
      ),
      400,
      'validation_failed',
      /cannot be empty/,
    ],
    [
      'Nest: bad request',
      new BadRequestException('Unexpected token } in JSON'),
      400,
      'validation_failed',
      'Unexpected token } in JSON',
    ],
    [
      'Nest: unknown route, without echoing the URL',
      new NotFoundException('Cannot GET /nope'),
      404,
      'not_found',
      NO_SUCH_ROUTE,
    ],
    [
      'Nest: forbidden',
      new ForbiddenException('Forbidden resource'),
      403,
      'forbidden',
      'Forbidden resource',
    ],
    [
      'Nest: a 4xx without a code of its own',
      new HttpException("I'm a teapot", 418),
      400,
      'validation_failed',
      "I'm a teapot",
    ],
    [
      'a 405, with its own code',
      new HttpException('Method Not Allowed', 405),
      405,
      'method_not_allowed',
      'This path does not take this method',
    ],
    [
      'Fastify: a path segment over the length limit, without echoing the URL',
      fastifyError(
        'FST_ERR_MAX_PARAM_LENGTH',
        414,
        `'/automations/${'a'.repeat(2000)}' is exceeding the max param length`,
      ),
      414,
      'uri_too_long',
      'A path segment is longer than 100 characters',
    ],
    [
      'Fastify: a path segment that is not UTF-8, without echoing the URL',
      fastifyError('FST_ERR_BAD_URL', 400, "'/automations/%FF' is not a valid url component"),
      400,
      'validation_failed',
      'The path is not valid: a percent-encoded segment is not UTF-8',
    ],
    [
      'Nest: request timeout',
      new HttpException('Request Timeout', 408),
      408,
      'request_timeout',
      'The request was not received in time',
    ],
    [
      'Nest: headers too large',
      new HttpException('Request Header Fields Too Large', 431),
      431,
      'headers_too_large',
      /^The request headers, the URL included, are larger than \d+ KB$/,
    ],
    [
      'Nest: an internal error',
      new InternalServerErrorException('pool exhausted'),
      500,
      'internal',
      'Internal error',
    ],
    [
      'a bug',
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      500,
      'internal',
      'Internal error',
    ],
    [
      'a database error',
      Object.assign(new Error('password authentication failed for user "postgres"'), {
        code: '28P01',
      }),
      500,
      'internal',
      'Internal error',
    ],
    ['a thrown string', 'boom', 500, 'internal', 'Internal error'],
  ];

  it.each(cases)('maps %s', (_name, exception, status, code, message) => {
    const response = toErrorResponse(exception);
    expect(response.status).toBe(status);
    expect(response.envelope.error.code).toBe(code);
    expect(response.envelope.error.message).toEqual(expect.stringMatching(message));
    expect(Object.keys(response.envelope)).toEqual(['error']);
    expect(response.unexpected).toBe(status === 500);
  });

  describe('a dependency that is down', () => {
    const unavailable: [string, unknown, string][] = [
      [
        'no registry answering',
        new MediaflowError(
          'service_unavailable',
          'No service is answering registry.automations.get',
        ),
        'No service is answering registry.automations.get',
      ],
      [
        'a task provider down',
        new MediaflowError('provider_unavailable', 'The speech provider is not answering'),
        'The speech provider is not answering',
      ],
      [
        'PostgreSQL refusing connections',
        Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
          code: 'ECONNREFUSED',
          address: '10.0.0.5',
        }),
        'A service the gateway depends on is not answering; try again shortly',
      ],
      [
        'PostgreSQL shutting down, through TypeORM',
        Object.assign(new Error('terminating connection due to administrator command'), {
          name: 'QueryFailedError',
          driverError: Object.assign(
            new Error('terminating connection due to administrator command'),
            { code: '57P01' },
          ),
        }),
        'The database is not answering; try again shortly',
      ],
      [
        'a connection lost mid-query',
        new Error('Connection terminated unexpectedly'),
        'The database is not answering; try again shortly',
      ],
      [
        'no pooled connection in time',
        new Error('timeout exceeded when trying to connect'),
        'The database is not answering; try again shortly',
      ],
    ];

    it.each(unavailable)('answers 503 with Retry-After to %s', (_name, exception, message) => {
      const response = toErrorResponse(exception);
      expect(response.status).toBe(503);
      expect(response.headers).toEqual({ 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_S) });
      expect(response.envelope.error.message).toBe(message);
      expect(response.unexpected).toBe(false);
      // Addresses and SQL stay in the log.
      expect(JSON.stringify(response.envelope)).not.toContain('10.0.0.5');
    });

    it('keeps other database errors a 500', () => {
      const denied = Object.assign(new Error('password authentication failed'), { code: '28P01' });
      expect(toErrorResponse(denied)).toMatchObject({ status: 500, headers: {}, unexpected: true });
    });

    it('sends no Retry-After on other errors', () => {
      expect(
        toErrorResponse(new MediaflowError('timeout', 'The ingest timed out')).headers,
      ).toEqual({});
    });
  });

  it('keeps the details of a validation error', () => {
    const details = [
      { path: 'workflow[0].options.width', message: 'must be ≤ 7680' },
      { path: 'workflow[1].kind', message: 'must be one of: video, image' },
    ];
    expect(
      toErrorResponse(new MediaflowError('validation_failed', 'The request is invalid', details))
        .envelope,
    ).toEqual({
      error: { code: 'validation_failed', message: 'The request is invalid', details },
    });
  });
});

describe('ErrorEnvelopeFilter', () => {
  function hostWith(reply: ReturnType<typeof fakeReply>): ArgumentsHost {
    return { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  }
  function fakeReply(sent = false) {
    const headers = new Map<string, string>();
    const reply = {
      sent,
      status: jest.fn(),
      send: jest.fn(),
      header: jest.fn((name: string, value: string) => headers.set(name.toLowerCase(), value)),
      hasHeader: (name: string) => headers.has(name.toLowerCase()),
    };
    reply.status.mockReturnValue(reply);
    return reply;
  }

  afterEach(() => jest.restoreAllMocks());

  it('sends the status and the envelope', async () => {
    const reply = fakeReply();
    await new ErrorEnvelopeFilter().catch(
      new MediaflowError('not_found', 'No API key key_x in this project'),
      hostWith(reply),
    );
    expect(reply.status).toHaveBeenCalledWith(404);
    expect(reply.send).toHaveBeenCalledWith({
      error: { code: 'not_found', message: 'No API key key_x in this project' },
    });
  });

  it('sends Retry-After with a 503', async () => {
    const reply = fakeReply();
    await new ErrorEnvelopeFilter().catch(
      new MediaflowError('service_unavailable', 'No service is answering scheduler.tasks.get'),
      hostWith(reply),
    );
    expect(reply.header).toHaveBeenCalledWith('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
    expect(reply.status).toHaveBeenCalledWith(503);
  });

  it("sends Retry-After with a 429 that has none, and keeps a rate limit's own", async () => {
    const refused = new MediaflowError('rate_limited', 'The project has 1000 runs in flight');
    const bare = fakeReply();
    await new ErrorEnvelopeFilter().catch(refused, hostWith(bare));
    expect(bare.header).toHaveBeenCalledWith('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
    expect(bare.status).toHaveBeenCalledWith(429);

    const limited = fakeReply();
    limited.header('Retry-After', '7');
    await new ErrorEnvelopeFilter().catch(refused, hostWith(limited));
    expect(limited.header).toHaveBeenCalledTimes(1);
  });

  it('logs a dependency that is down as a warning, without its stack', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await new ErrorEnvelopeFilter().catch(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      hostWith(fakeReply()),
    );
    expect(warned).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED 127.0.0.1:5432'));
    expect(logged).not.toHaveBeenCalled();
  });

  it('logs an unexpected error with its stack and sends none of it', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const reply = fakeReply();
    const bug = new Error('secret connection string postgres://u:p@db');
    await new ErrorEnvelopeFilter().catch(bug, hostWith(reply));
    expect(reply.status).toHaveBeenCalledWith(500);
    expect(reply.send).toHaveBeenCalledWith({
      error: { code: 'internal', message: 'Internal error' },
    });
    expect(JSON.stringify(reply.send.mock.calls)).not.toContain('postgres://');
    expect(logged).toHaveBeenCalledWith(bug.message, bug.stack);
  });

  it('does not log client errors', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await new ErrorEnvelopeFilter().catch(
      new MediaflowError('unauthorized', 'Invalid API key'),
      hostWith(fakeReply()),
    );
    expect(logged).not.toHaveBeenCalled();
  });

  it('leaves a reply that was already sent alone', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const reply = fakeReply(true);
    await new ErrorEnvelopeFilter().catch(new Error('late'), hostWith(reply));
    expect(reply.send).not.toHaveBeenCalled();
  });
});
