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

  /**
   * One page of `table`'s rows matching `filter`, newest first, and how many
   * match in all: the list queries of docs/http-api.md.
   */
  async page<T>(
    table: string,
    filter: string,
    params: readonly unknown[],
    page: { page: number; limit: number },
  ): Promise<{ rows: T[]; total: number }> {
    const [counted] = await this.rows<{ total: number }>(
      `SELECT count(*)::int AS total FROM ${table} WHERE ${filter}`,
      params,
    );
    const rows = await this.rows<T>(
      `SELECT * FROM ${table} WHERE ${filter}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, (page.page - 1) * page.limit],
    );
    return { rows, total: counted?.total ?? 0 };
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

/**
 * Whether a statement failed on the unique index `index` (PostgreSQL's
 * 23505), as node-postgres reports it, alone or wrapped by TypeORM.
 */
export function isUniqueViolation(error: unknown, index: string): boolean {
  const cause = (error as { driverError?: unknown })?.driverError ?? error;
  const { code, constraint } = (cause ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && constraint === index;
}
