import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface NatsUser {
  user: string;
  password: string;
}

export interface NatsNode {
  /** The `server_name`: JetStream names a stream's leader and replicas by it. */
  name: string;
  url: string;
  monitorUrl: string;
  /** Stops this node (SIGTERM), leaving the others running. */
  stop(): Promise<void>;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** Every node's client URL, comma-separated, as NATS_URL takes a cluster. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A JetStream cluster of `size` nats-server processes on loopback ports
 * chosen now (routes between them, monitoring on), each with its store in a
 * temporary directory; with `users`, clients must authenticate. Resolves
 * once JetStream has a meta leader, so streams can be made at once.
 */
export async function startNatsCluster(size: number, users: NatsUser[] = []): Promise<NatsCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mediaflow-nats-cluster-'));
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({
      client: await freePort(),
      cluster: await freePort(),
      monitor: await freePort(),
    })),
  );
  const children: ChildProcess[] = [];
  const outputs: string[] = [];
  const nodes = ports.map((port, i): NatsNode => {
    const name = `n${i + 1}`;
    const config = path.join(dir, `${name}.conf`);
    const routes = ports
      .filter((_, j) => j !== i)
      .map((other) => `nats-route://127.0.0.1:${other.cluster}`);
    writeFileSync(
      config,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${port.client}`,
        `http: 127.0.0.1:${port.monitor}`,
        `jetstream { store_dir: "${path.join(dir, name)}" }`,
        `cluster { name: mediaflow-test, listen: 127.0.0.1:${port.cluster}, routes: [${routes.join(', ')}] }`,
        ...(users.length > 0
          ? [
              `authorization { users: [ ${users
                .map((u) => `{ user: "${u.user}", password: "${u.password}" }`)
                .join(', ')} ] }`,
            ]
          : []),
      ].join('\n') + '\n',
    );
    const child = spawn('nats-server', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    outputs[i] = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      outputs[i] = (outputs[i]! + chunk.toString()).slice(-4000);
    });
    children.push(child);
    return {
      name,
      url: `nats://127.0.0.1:${port.client}`,
      monitorUrl: `http://127.0.0.1:${port.monitor}`,
      stop: () => stopChild(child),
    };
  });
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await hasMetaLeader(nodes))) {
    const exited = children.findIndex((child) => child.exitCode !== null);
    if (exited >= 0 || Date.now() > deadline) {
      await stop();
      throw new Error(
        exited >= 0
          ? `nats-server ${nodes[exited]!.name} exited:\n${outputs[exited]}`
          : `the NATS cluster had no JetStream leader within 30 s:\n${outputs.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { nodes, url: nodes.map((node) => node.url).join(','), stop };
}

/** Whether every node is ready and one of them says JetStream's meta group has a leader. */
async function hasMetaLeader(nodes: NatsNode[]): Promise<boolean> {
  const infos = await Promise.all(
    nodes.map((node) =>
      fetch(`${node.monitorUrl}/jsz`)
        .then((res) =>
          res.ok ? (res.json() as Promise<{ meta_cluster?: { leader?: string } }>) : null,
        )
        .catch(() => null),
    ),
  );
  return infos.every((info) => info !== null) && infos.some((info) => !!info?.meta_cluster?.leader);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A port the OS just handed out on loopback (packages/testing has the same; it depends on this package). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
