import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

/**
 * What `request.body` holds for a body its route streams itself (an upload):
 * a description of it, never its bytes, which stay unread on `request.raw`.
 * The parser runs before the guard, so nothing is read, let alone stored,
 * before the caller is authenticated. An Idempotency-Key's fingerprint hashes
 * this description like any body: an upload is the same request when its
 * media type, length and name are, its bytes being unread when the key is decided.
 */
export class StreamedBody {
  constructor(
    /** Lowercased, without parameters: a multipart boundary differs on every retry. */
    readonly media_type: string | null,
    /** Content-Length, when the client sent one. */
    readonly length: number | null,
    /** The `filename` query parameter, as sent. */
    readonly filename: unknown,
  ) {}

  get isMultipart(): boolean {
    return this.media_type === 'multipart/form-data';
  }
}

/** A route whose non-JSON bodies are streamed by the route itself. */
export interface StreamedRoute {
  method: string;
  /** As Fastify knows the route (`/files`). */
  url: string;
}

/** `POST /files`: an upload, multipart or raw, of up to MEDIAFLOW_MAX_UPLOAD_BYTES. */
export const STREAMED_BODY_ROUTES: readonly StreamedRoute[] = [{ method: 'POST', url: '/files' }];

export function describeStreamedBody(
  request: Pick<FastifyRequest, 'headers' | 'query'>,
): StreamedBody {
  const type = request.headers['content-type'];
  const mediaType = type ? (type.split(';')[0]?.trim().toLowerCase() ?? null) : null;
  const declared = Number(request.headers['content-length']);
  const length =
    request.headers['content-length'] !== undefined && Number.isSafeInteger(declared)
      ? declared
      : null;
  const query = (request.query ?? {}) as Record<string, unknown>;
  return new StreamedBody(mediaType || null, length, query.filename ?? null);
}

/**
 * Every body that is not JSON: on the streamed routes a {@link StreamedBody}
 * (the bytes left for the route), anywhere else a 415, as before. JSON keeps
 * Fastify's own parser and its 256 KB limit.
 */
export function streamBodiesOf(fastify: FastifyInstance, routes: readonly StreamedRoute[]): void {
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    // No route: the 404 answers, as it does without a parser.
    if (request.is404) return done(null);
    const streamed = routes.some(
      (route) => route.method === request.method && route.url === request.routeOptions.url,
    );
    if (!streamed) return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
    done(null, describeStreamedBody(request));
  });
}
