import { newId, schedulerRpc } from '@mediaflow/contracts';
import { startScheduler, type RunningScheduler } from '../src';
import { Reconciler } from '../src/reconciler/reconciler.service';
import { WebhookSender } from '../src/webhooks/webhook-sender.service';
import { WebhookReceiver } from '@mediaflow/testing';
import { Harness, sleep, until } from './support/harness';

// Webhooks go out as their task ends; the reconciler only sends them again.
// Against the real PostgreSQL and NATS JetStream, to a receiver on loopback.
jest.setTimeout(60_000);

interface DeliveryRow {
  task_id: string;
  attempts: number;
  last_status: number | null;
  delivered: boolean;
  claimed: boolean;
  due: boolean;
}

const deliveries = (h: Harness) =>
  h.sql<DeliveryRow>(
    `SELECT task_id, attempts, last_status, delivered_at IS NOT NULL AS delivered,
            claimed_until IS NOT NULL AS claimed, next_attempt_at <= now() AS due
     FROM scheduler.webhook_deliveries ORDER BY id`,
  );

/** Single image tasks with a webhook to `url`, each waited for until it has ended. */
async function endedTasks(h: Harness, url: string, count: number): Promise<string[]> {
  const project = newId('prj');
  const created = await Promise.all(
    Array.from({ length: count }, () =>
      h.request(schedulerRpc.createTask, {
        project_id: project,
        kind: 'image',
        options: { width: 32 },
        source: { url: 'https://media.example/narrow.png' },
        webhook: { url, secret: `whsec_${newId('key')}` },
      }),
    ),
  );
  for (const task of created) {
    expect((await h.waitForTask(project, task.id)).status).toBe('completed');
  }
  return created.map((task) => task.id);
}

describe('with no reconcile round after the start', () => {
  let h: Harness;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    h = await Harness.start({
      // The round at start finds nothing; the next would be in an hour.
      MEDIAFLOW_RECONCILE_INTERVAL_MS: '3600000',
      MEDIAFLOW_WEBHOOK_CONCURRENCY: '3',
      // Longer than the tests hold a request open.
      MEDIAFLOW_WEBHOOK_TIMEOUT_MS: '30000',
    });
  });

  afterAll(async () => {
    await h?.stop();
    await receiver.stop();
  });

  beforeEach(async () => {
    receiver.answered.clear();
    receiver.peak = 0;
    receiver.answer = () => ({ status: 204 });
    await h.sql('DELETE FROM scheduler.webhook_deliveries');
  });

  it('delivers the webhook of a task that ended, with no round to send it', async () => {
    const [task] = await endedTasks(h, receiver.url, 1);
    await until(
      async () => (await deliveries(h))[0]?.delivered === true,
      'the delivery to be recorded',
    );
    expect([...receiver.answered]).toEqual([[task, [204]]]);
    expect(await deliveries(h)).toEqual([
      {
        task_id: task,
        attempts: 1,
        last_status: 204,
        delivered: true,
        claimed: false,
        due: null,
      },
    ]);
  });

  it('has at most MEDIAFLOW_WEBHOOK_CONCURRENCY deliveries in flight; the rest wait their turn', async () => {
    receiver.hold = true;
    const tasks = await endedTasks(h, receiver.url, 8);
    await until(() => receiver.open === 3, 'three deliveries in flight');
    // The three held are claimed; the five others are still due, waiting in the sender's queue.
    const rows = await deliveries(h);
    expect(rows.filter((row) => row.claimed && row.attempts === 0)).toHaveLength(3);
    expect(rows.filter((row) => !row.claimed && row.due && row.attempts === 0)).toHaveLength(5);
    expect(receiver.received).toBe(3);

    receiver.release();
    await until(
      async () => (await deliveries(h)).filter((row) => row.delivered).length === 8,
      'every delivery to be recorded',
    );
    expect(receiver.peak).toBe(3);
    expect(receiver.answered).toEqual(new Map(tasks.map((task) => [task, [204]])));
  });

  it('sends a delivery that failed again only in a reconcile round', async () => {
    receiver.answer = (_task, earlier) => ({ status: earlier === 0 ? 500 : 204 });
    const task = (await endedTasks(h, receiver.url, 1))[0]!;
    // The retry's backoff (1 s) is over: it is due, and nothing but a round sends it. (A
    // delivery is due from the moment it is made, too: the first attempt must be over.)
    await until(async () => {
      const [row] = await deliveries(h);
      return row?.attempts === 1 && row.due === true;
    }, 'the retry to be due');
    await sleep(500);
    expect(await deliveries(h)).toEqual([
      {
        task_id: task,
        attempts: 1,
        last_status: 500,
        delivered: false,
        claimed: false,
        due: true,
      },
    ]);
    expect(receiver.answered.get(task)).toEqual([500]);

    await h.scheduler.app.get(Reconciler).runRound();
    await until(
      async () => (await deliveries(h))[0]?.delivered === true,
      'the retry to be recorded',
    );
    expect(receiver.answered.get(task)).toEqual([500, 204]);
    expect((await deliveries(h))[0]).toMatchObject({ attempts: 2, last_status: 204 });
  });
});

describe('two schedulers on one database', () => {
  let h: Harness;
  let second: RunningScheduler;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    // Rounds all the time on both, beside the immediate path of both.
    h = await Harness.start({ MEDIAFLOW_RECONCILE_INTERVAL_MS: '50' });
    second = await startScheduler(h.config, { shutdownHooks: false });
  });

  afterAll(async () => {
    await second?.close();
    await h?.stop();
    await receiver.stop();
  });

  it('sends each delivery once, however many senders race for it', async () => {
    // Slow answers keep each delivery in flight over several rounds of both reconcilers.
    receiver.answer = (_task, earlier) => ({ status: earlier === 0 ? 500 : 204, delayMs: 150 });
    const tasks = await endedTasks(h, receiver.url, 10);
    await until(
      async () => (await deliveries(h)).every((row) => row.attempts > 0),
      'every first attempt to be recorded',
    );
    // Every retry due at once, handed to both schedulers' senders twice, beside their rounds.
    await h.sql(
      'UPDATE scheduler.webhook_deliveries SET next_attempt_at = now() WHERE delivered_at IS NULL',
    );
    const ids = (await h.sql<{ id: string }>('SELECT id FROM scheduler.webhook_deliveries')).map(
      (row) => row.id,
    );
    const senders = [h.scheduler, second].map((app) => app.app.get(WebhookSender));
    for (const sender of [...senders, ...senders]) sender.sendNow(ids);
    await Promise.all(senders.map((sender) => sender.sendDue()));

    await until(
      async () => (await deliveries(h)).filter((row) => row.delivered).length === tasks.length,
      'every delivery to be recorded',
    );
    await sleep(500);
    expect(receiver.answered).toEqual(new Map(tasks.map((task) => [task, [500, 204]])));
    expect((await deliveries(h)).map((row) => row.attempts)).toEqual(tasks.map(() => 2));
  });
});
