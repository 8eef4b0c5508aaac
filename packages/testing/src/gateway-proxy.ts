import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as it reached the proxy. */
export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
}

type Match = (method: string, path: string) => boolean;

/**
 * A proxy on 127.0.0.1 in front of the gateway, for what a client meets
 * between it and the API: an event stream cut after so many events, a
 * request whose answer is lost after the gateway made it, connections
 * refused; and pages served beside the API, on its origin (a dashboard
 * under `/app/`). The Host header is passed on, so the gateway's signed
 * URLs point at the proxy.
 */
export class GatewayProxy {
  /** Every request, in the order it came. */
  readonly requests: ProxiedRequest[] = [];
  /** Requests that match are refused: their connection is closed at once. */
  refuse: Match = () => false;
  private readonly cuts: { match: Match; afterEvents: number }[] = [];
  private readonly drops: Match[] = [];
  private readonly pages = new Map<string, { type: string; body: string | Buffer }>();
  private readonly server = createServer((req, res) => this.handle(req, res));

  private constructor(private readonly target: URL) {}

  static async start(target: string): Promise<GatewayProxy> {
    const proxy = new GatewayProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * The next event stream that matches is cut right after this many events
   * (comments not counted) have passed through.
   */
  cutStream(afterEvents: number, match: Match = (_m, path) => path.includes('/events')): void {
    this.cuts.push({ match, afterEvents });
  }

  /**
   * The next request that matches reaches the gateway whole, and the
   * gateway's answer is read, but the client's connection is then closed
   * without it: what a client sees when a network fails after the server
   * acted.
   */
  dropNextAnswer(match: Match): void {
    this.drops.push(match);
  }

  /** Serves `body` at `path` itself, on the proxy's (the API's) origin. */
  serve(path: string, body: string | Buffer, type: string): void {
    this.pages.set(path, { type, body });
  }

  /** The requests whose method and path (without query) are these. */
  requestsTo(method: string, pattern: RegExp): ProxiedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path.split('?')[0]!));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private take<T>(list: T[], match: (item: T) => boolean): T | undefined {
    const index = list.findIndex(match);
    return index < 0 ? undefined : list.splice(index, 1)[0];
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    this.requests.push({ method, path, headers: req.headers });
    const page = this.pages.get(path.split('?')[0]!);
    if (page) {
      res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-store' }).end(page.body);
      return;
    }
    if (this.refuse(method, path)) {
      req.socket.destroy();
      return;
    }
    const drop = this.take(this.drops, (match) => match(method, path));
    const upstream = httpRequest(
      {
        host: this.target.hostname,
        port: this.target.port,
        method,
        path,
        headers: req.headers,
      },
      (answer) => {
        if (drop) {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const isStream = String(answer.headers['content-type']).startsWith('text/event-stream');
        const cut = isStream ? this.take(this.cuts, (c) => c.match(method, path)) : undefined;
        if (!cut) {
          answer.pipe(res);
          return;
        }
        // Passed on an event at a time, so that the cut falls right after the last one let through.
        let text = '';
        let events = 0;
        answer.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          let end: number;
          while (events < cut.afterEvents && (end = text.indexOf('\n\n')) >= 0) {
            const block = text.slice(0, end + 2);
            text = text.slice(end + 2);
            res.write(block);
            if (/^data:/m.test(block)) events++;
          }
          if (events >= cut.afterEvents) {
            answer.destroy();
            // Closed once what was written has gone: the client sees the body end short.
            res.socket?.end();
          }
        });
        answer.on('end', () => res.end());
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  }
}
