import { checkReadiness } from './readiness';

describe('checkReadiness', () => {
  it('is ready when every check passes', async () => {
    await expect(checkReadiness([{ name: 'nats', check: async () => undefined }])).resolves.toEqual(
      {
        status: 'ready',
        checks: { nats: 'ok' },
      },
    );
  });

  it('names the failing dependency and why', async () => {
    const report = await checkReadiness([
      { name: 'nats', check: async () => undefined },
      { name: 'database', check: async () => Promise.reject(new Error('connection refused')) },
    ]);
    expect(report).toEqual({
      status: 'not_ready',
      checks: { nats: 'ok', database: 'connection refused' },
    });
  });

  it('answers even when a dependency hangs', async () => {
    const report = await checkReadiness(
      [{ name: 'database', check: () => new Promise(() => undefined) }],
      50,
    );
    expect(report).toEqual({ status: 'not_ready', checks: { database: 'no answer in 50 ms' } });
  });
});
