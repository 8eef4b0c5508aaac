import { startedBanner } from './banner';

describe('startedBanner', () => {
  it('says where Mediaflow answers, the key to use, where the data lives and how to log the CLI in', () => {
    const text = startedBanner({
      url: 'http://127.0.0.1:3000',
      apiKey: { key: 'mf_abc', source: '/srv/.mediaflow/api-key' },
      dataDir: '/srv/.mediaflow',
      database: 'embedded',
      messaging: 'in-process',
    });
    expect(text.split('\n')).toEqual([
      '',
      'Mediaflow is running: http://127.0.0.1:3000  (API docs: http://127.0.0.1:3000/docs)',
      'API key:   mf_abc  (from /srv/.mediaflow/api-key)',
      'Data:      /srv/.mediaflow',
      'Database:  embedded PostgreSQL, kept in the data dir',
      'Messaging: in-process, journalled in the data dir',
      'CLI:       pnpm -s mediaflow login --url http://127.0.0.1:3000 --key mf_abc  (then: pnpm -s mediaflow --help)',
      'Press Ctrl-C to stop.',
      '',
    ]);
  });

  it('names the servers when NATS_URL and DATABASE_URL are used', () => {
    const text = startedBanner({
      url: 'http://127.0.0.1:8080',
      apiKey: { key: 'mf_abc', source: 'MEDIAFLOW_API_KEY' },
      dataDir: '/data',
      database: 'server',
      messaging: 'nats',
    });
    expect(text).toContain('Database:  PostgreSQL at DATABASE_URL');
    expect(text).toContain('Messaging: NATS at NATS_URL');
    expect(text).toContain('(from MEDIAFLOW_API_KEY)');
  });
});
