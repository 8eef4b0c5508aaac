import { UpdateProjectBodySchema } from '@mediaflow/contracts';
import { parseWithDetails } from '@mediaflow/workflow';
import { readStoredLimits, toProjectLimits } from './project-limits';

describe('UpdateProjectBodySchema', () => {
  it.each([
    [{ limits: { requests_per_second: 5 } }, { requests_per_second: 5 }],
    [{ limits: { requests_per_second: null } }, { requests_per_second: null }],
    [{ limits: { requests_per_second: 10_000 } }, { requests_per_second: 10_000 }],
    [{ limits: { runs_in_flight: 2 } }, { runs_in_flight: 2 }],
    [
      { limits: { runs_in_flight: null, requests_per_second: 5 } },
      { runs_in_flight: null, requests_per_second: 5 },
    ],
    [{ limits: {} }, {}],
  ])('takes %j', (body, limits) => {
    expect(parseWithDetails(UpdateProjectBodySchema, body)).toEqual({
      ok: true,
      data: { limits },
    });
  });

  it.each([
    [{ limits: { requests_per_second: 0 } }, 'limits.requests_per_second'],
    [{ limits: { requests_per_second: -3 } }, 'limits.requests_per_second'],
    [{ limits: { requests_per_second: 1.5 } }, 'limits.requests_per_second'],
    [{ limits: { requests_per_second: 10_001 } }, 'limits.requests_per_second'],
    [{ limits: { requests_per_second: '5' } }, 'limits.requests_per_second'],
    [{ limits: { runs_in_flight: 0 } }, 'limits.runs_in_flight'],
    [{ limits: { runs_in_flight: 1_000_001 } }, 'limits.runs_in_flight'],
    // Not enforced, so not taken: a stored limit nobody applies would mislead.
    [{ limits: { tasks_per_day: 2 } }, 'limits.tasks_per_day'],
    [{ limits: { requests_per_second: 5 }, name: 'x' }, 'name'],
    [{}, 'limits'],
  ])('refuses %j, naming %s', (body, path) => {
    const outcome = parseWithDetails(UpdateProjectBodySchema, body);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.details.map((detail) => detail.path)).toContain(path);
  });
});

describe('stored limits', () => {
  it.each([
    [{}, { requests_per_second: null, runs_in_flight: null }],
    [{ requests_per_second: 7 }, { requests_per_second: 7, runs_in_flight: null }],
    [{ runs_in_flight: 3 }, { requests_per_second: null, runs_in_flight: 3 }],
    [null, { requests_per_second: null, runs_in_flight: null }],
    // Written by a newer gateway, or by hand: ignored, not fatal.
    [
      { requests_per_second: 'fast', tasks_per_day: 3 },
      { requests_per_second: null, runs_in_flight: null },
    ],
  ])('%j shows as %j', (stored, shown) => {
    expect(toProjectLimits(readStoredLimits(stored))).toEqual(shown);
  });
});
