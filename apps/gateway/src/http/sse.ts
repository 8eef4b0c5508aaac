/** Server-Sent Events: the wire format, and the life of an open stream. */
import type { FastifyReply } from 'fastify';
import { credentialOf } from '../auth/credential';
import type { CredentialWatch } from '../auth/credential-watch';
import type { AuthenticatedRequest } from '../auth/principal';
import { toErrorResponse } from './error-envelope.filter';

/**
 * One Server-Sent Event, with its `id:` when it has one. JSON.stringify
 * escapes every line break, so the data is a single `data:` line.
 */
export function sseEvent(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The first line of a stream: the headers go out with it, and the client knows it is open. */
export const SSE_OPEN = ': open\n\n';

/** A comment line: keeps proxies and load balancers from closing a quiet stream. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

/** A heartbeat every 15 s: proxies close connections quiet for longer (nginx after 60 s). */
const HEARTBEAT_MS = 15_000;

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx would otherwise hold events back in its buffer.
  'X-Accel-Buffering': 'no',
};

/** The part of a response a stream writes to: Node's ServerResponse in the gateway. */
export interface EventSink {
  write(chunk: string): unknown;
  end(): unknown;
  once(event: 'close', listener: () => void): unknown;
}

export interface StreamTiming {
  /** How long after its last read a stream reads again though no notification came. */
  recheckMs: number;
  /** How often a quiet stream gets a comment line. */
  heartbeatMs: number;
}

/** A stream's timing in the gateway: reads again every `recheckMs` (MEDIAFLOW_TASK_RECHECK_MS), a heartbeat every 15 s. */
export function streamTiming(recheckMs: number): StreamTiming {
  return { recheckMs, heartbeatMs: HEARTBEAT_MS };
}

/**
 * An open stream's life: a heartbeat while it is open, and an end, whether
 * the client goes away or the gateway ends it. What it holds besides
 * (subscriptions, timers) a subclass lets go of in {@link release}.
 */
export abstract class SseStream {
  protected closed = false;
  private heartbeat?: NodeJS.Timeout;
  private readonly onClosed: (() => void)[] = [];

  constructor(
    protected readonly sink: EventSink,
    protected readonly timing: StreamTiming,
  ) {}

  /** Calls `listener` once the stream is over, however it ended. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.onClosed.push(listener);
  }

  /** Ends the stream from our side (the gateway shutting down, or the task final). */
  end(): void {
    if (this.closed) return;
    this.stop();
    this.sink.end();
  }

  /** Ends the stream from our side with a last `event: error` saying why, in the error envelope. */
  fail(reason: unknown): void {
    if (this.closed) return;
    this.sink.write(sseEvent('error', toErrorResponse(reason).envelope));
    this.end();
  }

  /** Follows the client's going away and starts the heartbeat: the first thing a stream does. */
  protected open(): void {
    this.sink.once('close', () => this.stop());
    this.heartbeat = setInterval(() => this.sink.write(SSE_HEARTBEAT), this.timing.heartbeatMs);
  }

  /** Lets go of what the stream holds; called once, when it closes. */
  protected abstract release(): void;

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.release();
    for (const listener of this.onClosed.splice(0)) listener();
  }
}

/**
 * The streams a service has open. Streams are not idle connections: they
 * are ended when the gateway shuts down, or its HTTP server would wait for
 * them to close; and when the credential they were opened with is revoked,
 * or they would go on for as long as their task does.
 */
export class OpenStreams {
  private readonly open = new Set<SseStream>();

  constructor(private readonly credentials: Pick<CredentialWatch, 'hold'>) {}

  /**
   * Takes the response over from Fastify, answers 200 with the SSE headers,
   * and keeps the stream made on it among the open ones until it closes,
   * failing it (`event: error`, `unauthorized`) once the credential its
   * request was authenticated with is revoked.
   */
  serve<S extends SseStream>(reply: FastifyReply, make: (sink: EventSink) => S): S {
    const credential = credentialOf(reply.request as AuthenticatedRequest);
    reply.hijack();
    reply.raw.writeHead(200, SSE_HEADERS);
    const stream = make(reply.raw);
    this.open.add(stream);
    const release =
      credential && this.credentials.hold(credential, (reason) => stream.fail(reason));
    stream.onClose(() => {
      this.open.delete(stream);
      release?.();
    });
    return stream;
  }

  endAll(): void {
    for (const stream of [...this.open]) stream.end();
  }
}
