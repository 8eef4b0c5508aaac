import { ProjectSchema } from '@mediaflow/contracts';
import { z } from 'zod';
import { MAX_REQUESTS_PER_SECOND, MAX_RUNS_IN_FLIGHT } from '../rate-limits/rate-limit-policy';

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

const requestsPerSecond = () =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_REQUESTS_PER_SECOND)
    .describe(
      'Requests per second, averaged over MEDIAFLOW_RATE_LIMIT_WINDOW_S (10 s by default): the project ' +
        'may make rps × window requests in each window, all at once if it likes',
    );

const runsInFlight = () =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_RUNS_IN_FLIGHT)
    .describe(
      'Runs, single tasks and file ingests the project may have in flight (not yet ended): past it, ' +
        'creating one answers 429 `rate_limited`',
    );

/** `limits` in the project object: `null` where the gateway's default applies. */
export const ProjectLimitsSchema = z
  .object({
    requests_per_second: requestsPerSecond()
      .nullable()
      .describe(
        "The project's own limit of requests per second (averaged over MEDIAFLOW_RATE_LIMIT_WINDOW_S); " +
          '`null`: the gateway default, MEDIAFLOW_RATE_LIMIT_RPS',
      ),
    runs_in_flight: runsInFlight()
      .nullable()
      .describe(
        "The project's own limit of runs in flight; `null`: the gateway default, MEDIAFLOW_RUNS_IN_FLIGHT",
      ),
  })
  .meta({ id: 'ProjectLimits' });
export type ProjectLimits = z.output<typeof ProjectLimitsSchema>;

/** `GET /projects/:id` and `PATCH /projects/:id`: the project with its limits. */
export const ProjectWithLimitsSchema = ProjectSchema.extend({ limits: ProjectLimitsSchema }).meta({
  id: 'ProjectWithLimits',
});
export type ProjectWithLimits = z.output<typeof ProjectWithLimitsSchema>;

/**
 * `PATCH /projects/:id`: a limit the gateway does not enforce is refused
 * (400), never stored and ignored.
 */
export const UpdateProjectBodySchema = z
  .strictObject({
    limits: z
      .strictObject({
        requests_per_second: requestsPerSecond()
          .nullable()
          .optional()
          .describe(
            `1..${MAX_REQUESTS_PER_SECOND} requests per second; \`null\`: back to the gateway default; left out: unchanged`,
          ),
        runs_in_flight: runsInFlight()
          .nullable()
          .optional()
          .describe(
            `1..${MAX_RUNS_IN_FLIGHT} runs in flight; \`null\`: back to the gateway default; left out: unchanged`,
          ),
      })
      .describe('The limits to change; a limit left out keeps its value'),
  })
  .meta({ id: 'UpdateProject' });
export type ProjectLimitsUpdate = z.output<typeof UpdateProjectBodySchema>['limits'];

export function toProjectLimits(stored: StoredProjectLimits): ProjectLimits {
  return {
    requests_per_second: stored.requests_per_second ?? null,
    runs_in_flight: stored.runs_in_flight ?? null,
  };
}
