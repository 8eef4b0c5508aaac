import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { JetStreamTaskTransport } from './jetstream-task-transport';
import { startNatsCluster, type NatsCluster } from './testing/nats-cluster';
import { taskDispatch } from './testing/task-fixtures';
import { waitFor } from './testing/wait-for';
import type { Stoppable } from './task-transport';

// A three-node JetStream cluster of real nats-server processes on loopback,
// with users: what the Helm chart deploys, scaled down to one machine.
jest.setTimeout(120_000);

const SCHEDULER = { user: 'scheduler', password: 'scheduler-secret' };
const WORKER = { user: 'worker', password: 'worker-secret' };
const PREFIX = 'cluster';

let cluster: NatsCluster;
let admin: NatsConnection;
let jsm: JetStreamManager;
const opened: { close(): Promise<void> }[] = [];
const stoppables: Stoppable[] = [];

beforeAll(async () => {
  cluster = await startNatsCluster(3, [SCHEDULER, WORKER]);
  admin = await connect({ servers: cluster.url.split(','), ...asNats(SCHEDULER) });
  // A loaded machine answers JetStream's API slowly, and a leader election takes seconds.
  jsm = await admin.jetstreamManager({ timeout: 15_000 });
});

afterAll(async () => {
  await Promise.all(stoppables.splice(0).map((s) => s.stop()));
  await Promise.all(opened.splice(0).map((t) => t.close().catch(() => undefined)));
  await admin?.close().catch(() => undefined);
  await cluster?.stop();
});

const asNats = ({ user, password }: { user: string; password: string }) => ({
  user,
  pass: password,
});

async function transport(
  who: { user: string; password: string },
  streamReplicas?: number,
  prefix = PREFIX,
): Promise<JetStreamTaskTransport> {
  const opening = await JetStreamTaskTransport.connect({
    url: cluster.url,
    name: `cluster-test-${who.user}`,
    ...who,
    subjectPrefix: prefix,
    ackWaitMs: 2_000,
    streamReplicas,
  });
  opened.push(opening);
  return opening;
}

/**
 * `work` again until it succeeds or 60 s pass: while a stream elects a new
 * leader its API and publishes time out, and are tried again (the
 * scheduler's reconciler republishes a dispatch that did not land, under the
 * same message id, so JetStream keeps it once).
 */
async function retried<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

const streamInfo = (stream: string) => retried(() => jsm.streams.info(stream));
const replicasOf = async (stream: string) => (await streamInfo(stream)).config.num_replicas;

it('refuses a client without credentials, or with wrong ones', async () => {
  await expect(
    JetStreamTaskTransport.connect({ url: cluster.url, name: 'anonymous', subjectPrefix: PREFIX }),
  ).rejects.toThrow(/Cannot reach NATS.*Authorization/i);
  await expect(
    JetStreamTaskTransport.connect({
      url: cluster.url,
      name: 'guessing',
      user: WORKER.user,
      password: 'not-it',
      subjectPrefix: PREFIX,
    }),
  ).rejects.toThrow(/Authorization/i);
});

it('makes the streams with the replicas asked for, and updates them when the setting changes', async () => {
  const single = await transport(SCHEDULER, 1);
  await retried(() => single.setup());
  expect(await replicasOf(`${PREFIX}_TASKS`)).toBe(1);
  expect(await replicasOf(`${PREFIX}_TASK_EVENTS`)).toBe(1);

  const replicated = await transport(SCHEDULER, 3);
  await retried(() => replicated.setup());
  expect(await replicasOf(`${PREFIX}_TASKS`)).toBe(3);
  expect(await replicasOf(`${PREFIX}_TASK_EVENTS`)).toBe(3);
  await waitFor(
    async () => {
      const info = await streamInfo(`${PREFIX}_TASKS`);
      return (info.cluster?.replicas ?? []).filter((r) => r.current).length === 2;
    },
    'both other copies to catch up',
    60_000,
  );
});

it('keeps taking and giving work when the node leading the work stream stops', async () => {
  // Streams of its own, made at three replicas. Not the ones scaled up above: setup makes the work
  // consumers, and nats-server 2.9.10 does not replicate a consumer made before its stream was
  // scaled from one replica to three (after a failover it delivers every acked message again).
  const prefix = `${PREFIX}-failover`;
  const scheduler = await transport(SCHEDULER, 3, prefix);
  await retried(() => scheduler.setup());
  const worker = await transport(WORKER, undefined, prefix);
  const done: string[] = [];
  stoppables.push(
    await worker.consumeWork({ image: 4 }, async (dispatch, control) => {
      done.push(dispatch.task_id);
      control.ack();
    }),
  );

  const before = Array.from({ length: 20 }, () => taskDispatch('image'));
  for (const dispatch of before) await retried(() => scheduler.dispatch(dispatch));
  await waitFor(() => done.length >= before.length, 'the first tasks to be taken', 60_000);

  const leader = (await streamInfo(`${prefix}_TASKS`)).cluster!.leader!;
  await cluster.nodes.find((node) => node.name === leader)!.stop();
  // Another node takes the lead (the two left are a majority of three).
  await waitFor(
    async () => {
      const info = await jsm.streams.info(`${prefix}_TASKS`).catch(() => undefined);
      return !!info?.cluster?.leader && info.cluster.leader !== leader;
    },
    'another leader',
    60_000,
  );

  const after = Array.from({ length: 20 }, () => taskDispatch('image'));
  for (const dispatch of after) await retried(() => scheduler.dispatch(dispatch));
  await waitFor(
    () => done.length >= before.length + after.length,
    'the tasks dispatched after the stop to be taken',
    60_000,
  );

  // Every task taken once: none lost with the node, none given twice.
  const expected = [...before, ...after].map((d) => d.task_id);
  expect([...done].sort()).toEqual([...expected].sort());
});
