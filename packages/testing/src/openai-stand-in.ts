import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the stand-in received, its body parsed. */
export interface ReceivedChatRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/** How the stand-in answers a well-formed `POST /v1/chat/completions`. */
export type OpenAiBehaviour =
  | { type: 'answer'; content: string | null }
  | { type: 'status'; status: number; body: unknown }
  | { type: 'raw'; body: string }
  /** Never answers. */
  | { type: 'silent' }
  /** Sends the status line and headers, then stalls before the body. */
  | { type: 'stall-body' };

/** The documented `chat.completion` object of OpenAI's API reference, holding `content`. */
export function chatCompletion(model: string, content: string | null) {
  return {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    object: 'chat.completion',
    created: 1741570283,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 1117,
      completion_tokens: 46,
      total_tokens: 1163,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_fc9f1d7035',
  };
}

/** OpenAI's error object. */
export function apiError(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

/**
 * A faithful local stand-in of an OpenAI-compatible chat completions
 * service on 127.0.0.1: the path, method and body checks and the answer
 * shapes of the documented API, with a behaviour a test sets.
 */
export class OpenAiStandIn {
  readonly requests: ReceivedChatRequest[] = [];
  behaviour: OpenAiBehaviour = { type: 'answer', content: 'A summary.' };
  private readonly held = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OpenAiStandIn> {
    const server = createServer();
    const standIn = new OpenAiStandIn(server);
    server.on('request', (req, res) => void standIn.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  /** The base URL as OpenAI's SDKs take it: up to `/v1`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    this.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
    });

    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return json(
        res,
        404,
        apiError(`Invalid URL (${req.method} ${req.url})`, 'invalid_request_error'),
      );
    if (body === undefined)
      return json(
        res,
        400,
        apiError(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
          'invalid_request_error',
        ),
      );
    if (typeof body.model !== 'string')
      return json(
        res,
        400,
        apiError('you must provide a model parameter', 'invalid_request_error'),
      );
    if (!Array.isArray(body.messages))
      return json(
        res,
        400,
        apiError("Missing required parameter: 'messages'.", 'invalid_request_error'),
      );

    const behaviour = this.behaviour;
    switch (behaviour.type) {
      case 'answer':
        return json(res, 200, chatCompletion(body.model, behaviour.content));
      case 'status':
        return json(res, behaviour.status, behaviour.body);
      case 'raw':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(behaviour.body);
        return;
      case 'silent':
        this.held.add(res);
        return;
      case 'stall-body':
        this.held.add(res);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id": "chatcmpl-1", "object": "chat.completion", ');
        return;
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
