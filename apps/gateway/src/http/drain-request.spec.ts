import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainRequest } from './drain-request';

/** A server that refuses every body after draining it, as the gateway does on a 413. */
function refusingServer(
  maxBytes?: number,
): Promise<{ server: Server; port: number; drained: number[] }> {
  const drained: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    void drainRequest(req, maxBytes).then(() => {
      drained.push(bytes);
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end('{"error":{"code":"payload_too_large"}}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, drained }),
    ),
  );
}

function post(port: number, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': bytes } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(Buffer.alloc(bytes, 120));
  });
}

describe('drainRequest', () => {
  it('reads the whole body so that the refusal reaches the client', async () => {
    const { server, port, drained } = await refusingServer();
    try {
      for (let i = 0; i < 5; i++) await expect(post(port, 4 * 1024 * 1024)).resolves.toBe(413);
      expect(drained).toEqual(Array(5).fill(4 * 1024 * 1024));
    } finally {
      server.close();
    }
  });

  it('stops reading past its byte limit', async () => {
    const { server, port, drained } = await refusingServer(64 * 1024);
    try {
      await post(port, 8 * 1024 * 1024).catch(() => 0);
      expect(drained[0]).toBeGreaterThan(64 * 1024);
      expect(drained[0]).toBeLessThan(8 * 1024 * 1024);
    } finally {
      server.close();
    }
  });
});
