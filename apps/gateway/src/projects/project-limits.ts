import type { ProjectLimits } from '@mediaflow/contracts';
import { z } from 'zod';

/**
 * The limits a project has of its own, as `gateway.projects.limits` keeps
 * them: a limit left out is the gateway's default. Read leniently, so that
 * a value written by a newer gateway (a limit this one does not know) is
 * ignored rather than fatal.
 */
export const StoredProjectLimitsSchema = z.object({
  requests_per_second: z.number().int().positive().optional().catch(undefined),
  runs_in_flight: z.number().int().positive().optional().catch(undefined),
});
export type StoredProjectLimits = z.output<typeof StoredProjectLimitsSchema>;

export function readStoredLimits(value: unknown): StoredProjectLimits {
  const parsed = StoredProjectLimitsSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

export function toProjectLimits(stored: StoredProjectLimits): ProjectLimits {
  return {
    requests_per_second: stored.requests_per_second ?? null,
    runs_in_flight: stored.runs_in_flight ?? null,
  };
}
