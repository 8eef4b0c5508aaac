import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** The file `/<fixture>` or `/as/<fixture>/…` names in `dir`, if there is one. */
function fixtureFile(dir: string, pathname: string): { path: string; size: number } | undefined {
  let segments: string[];
  try {
    segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined; // a malformed %-escape
  }
  const name = segments[0] === 'as' ? segments[1] : segments.length === 1 ? segments[0] : undefined;
  if (!name) return undefined;
  // basename keeps the server inside `dir` whatever the request says.
  const file = path.join(dir, path.basename(name));
  try {
    const stats = statSync(file);
    return stats.isFile() ? { path: file, size: stats.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves a fixtures directory over HTTP on a loopback address, as source
 * URLs. `/<fixture>` serves a file; `/as/<fixture>/<any path>` serves it
 * under another name (say, a URL without an extension); `/redirect?to=<url>`
 * answers a 302 to `to`. Anything else is a 404.
 */
export class FixtureServer {
  private constructor(
    private readonly server: Server,
    /** `http://host:port`, with an IPv6 host in brackets. */
    readonly base: string,
  ) {}

  static async start(dir: string, host = '127.0.0.1'): Promise<FixtureServer> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fixtures');
      if (url.pathname === '/redirect') {
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
        return;
      }
      const file = fixtureFile(dir, url.pathname);
      if (!file) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-length': file.size,
        'content-type': 'application/octet-stream',
      });
      createReadStream(file.path).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    return new FixtureServer(server, `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  }

  url(name: string): string {
    return `${this.base}/${encodeURIComponent(name)}`;
  }

  /** The fixture `name` at a URL whose last segment is `as` instead. */
  urlAs(name: string, as: string): string {
    return `${this.base}/as/${encodeURIComponent(name)}/${as}`;
  }

  /** A URL of this server that redirects (302) to `url`. */
  redirectTo(url: string): string {
    return `${this.base}/redirect?to=${encodeURIComponent(url)}`;
  }

  /** Stops listening and drops kept-alive connections, so a test file ends promptly. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
