import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withDatabase } from '../database-url';
import { quoteIdentifier } from '../ensure-database';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named database on the real server, for one test file:
 * suites running side by side never see each other's rows.
 */
export async function createTestDatabase(
  baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
): Promise<TestDatabase> {
  const name = `mediaflow_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(baseUrl, name),
    drop: async () => {
      const client = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
