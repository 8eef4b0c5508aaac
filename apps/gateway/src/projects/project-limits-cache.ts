import { Injectable } from '@nestjs/common';
import { ProjectLimitsRepository } from './project-limits.repository';
import type { StoredProjectLimits } from './project-limits';

/**
 * How long a replica keeps a project's limits before reading them again:
 * how late a `PATCH /projects/:id` made on another replica applies there.
 * The replica that took the PATCH forgets at once.
 */
export const PROJECT_LIMITS_FRESH_MS = 5_000;

/** Past this many projects the cache starts over rather than grow. */
const MAX_CACHED = 10_000;

interface Entry {
  limits: Promise<StoredProjectLimits>;
  readAt: number;
}

/**
 * Projects' limits for the rate limiter, read at most every few seconds per
 * project and replica rather than on each request: the key lookup (no cache,
 * so revocation is immediate) is authentication's, and a second query per
 * request for a value that changes a few times a year is not worth it.
 * Requests arriving together share one read.
 */
@Injectable()
export class ProjectLimitsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly repository: ProjectLimitsRepository) {}

  async limitsOf(projectId: string, now = Date.now()): Promise<StoredProjectLimits> {
    const cached = this.entries.get(projectId);
    if (cached && now - cached.readAt < PROJECT_LIMITS_FRESH_MS) return cached.limits;
    if (this.entries.size >= MAX_CACHED) this.entries.clear();
    const limits = this.repository.find(projectId).then((found) => found ?? {});
    const entry: Entry = { limits, readAt: now };
    this.entries.set(projectId, entry);
    // A failed read is not kept: the next request tries again.
    void limits.catch(() => {
      if (this.entries.get(projectId) === entry) this.entries.delete(projectId);
    });
    return limits;
  }

  /** After a change made here: the next request reads the new limits. */
  forget(projectId: string): void {
    this.entries.delete(projectId);
  }
}
