import { randomBytes } from 'node:crypto';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { NATS_URL, deleteTaskStreams } from './task-harness';

describe('deleteTaskStreams', () => {
  const prefix = `t${randomBytes(6).toString('hex')}`;
  const other = `${prefix}x`;
  let connection: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    connection = await connect({ servers: NATS_URL });
    jsm = await connection.jetstreamManager();
  });

  afterAll(async () => {
    await deleteTaskStreams(NATS_URL, other);
    await connection.close();
  });

  async function streamNames(): Promise<string[]> {
    const names: string[] = [];
    for await (const stream of jsm.streams.list()) names.push(stream.config.name);
    return names.filter((name) => name.startsWith(prefix)).sort();
  }

  it('deletes the streams under a prefix and leaves one that merely starts alike', async () => {
    for (const name of [`${prefix}_WORK`, `${prefix}_EVENTS`, `${other}_WORK`]) {
      await jsm.streams.add({ name, subjects: [`${name}.>`] });
    }
    expect(await streamNames()).toEqual([`${prefix}_EVENTS`, `${prefix}_WORK`, `${other}_WORK`]);
    await deleteTaskStreams(NATS_URL, prefix);
    expect(await streamNames()).toEqual([`${other}_WORK`]);
  });
});
