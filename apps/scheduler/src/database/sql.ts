import type { QueryResult, QueryRunner } from 'typeorm';

/**
 * Plain SQL on one connection. The scheduler's writes are conditional
 * updates and row locks, which read best as the SQL they are; this gives
 * every statement the same answer shape (TypeORM's plain `query` answers
 * UPDATE and DELETE with `[rows, count]` but SELECT and INSERT with rows).
 */
export class Sql {
  constructor(private readonly runner: QueryRunner) {}

  async rows<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = (await this.runner.query(text, [...params], true)) as QueryResult<T>;
    return result.records ?? [];
  }

  async first<T>(text: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(text, params))[0];
  }

  /** How many rows a statement changed. */
  async count(text: string, params: readonly unknown[] = []): Promise<number> {
    const result = (await this.runner.query(text, [...params], true)) as QueryResult;
    return result.affected ?? 0;
  }
}

/**
 * node-postgres sends a JS array as a PostgreSQL array, not JSON: jsonb
 * parameters are serialised here and cast with `::jsonb` in the statement.
 */
export function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
