import { Client } from 'pg';
import { databaseName, redactUrl, withDatabase } from './database-url';

/**
 * Creates the database named in the URL when it does not exist yet, so a
 * fresh PostgreSQL works without a manual `createdb`. Needs the CREATEDB
 * right; when the database already exists nothing is asked of the server
 * but a read of pg_database.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new Client({
    connectionString: withDatabase(url, 'postgres'),
    connectionTimeoutMillis: 5000,
  });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`Cannot reach PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin
        .query(`CREATE DATABASE ${quoteIdentifier(name)}`)
        .catch((error: { code?: string }) => {
          // Another service created it between our look and our create.
          if (error.code !== '42P04') throw error;
        });
    }
  } finally {
    await admin.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
