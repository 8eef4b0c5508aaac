import { planRun } from './plan-run';
import type { RunStep } from './run-step';
import { inTreeOrder, stepName, stepPath } from './step-tree';

// conditions (next: a → a2, else: b), then c; planned in pre-order, as the workflow reads.
let n = 0;
const planned = planRun(
  [
    {
      kind: 'conditions',
      conditions: [{ prop: 'kind', value: 'video' }],
      next: [{ kind: 'video', ref: 'a', next: [{ kind: 'thumbnails' }] }],
      else: [{ kind: 'image', ref: 'b' }],
    },
    { kind: 'audio', ref: 'c' },
  ],
  () => `task_${++n}`,
);
const byId = (id: string) => planned.find((s) => s.id === id);
const named = (steps: readonly RunStep[]) => steps.map((s) => s.ref ?? s.kind);

describe('inTreeOrder', () => {
  it("puts the steps back in the workflow's order, whatever order they come in", () => {
    const shuffled = [planned[4]!, planned[3]!, planned[0]!, planned[2]!, planned[1]!];
    expect(named(inTreeOrder(shuffled))).toEqual(['conditions', 'a', 'thumbnails', 'b', 'c']);
    expect(inTreeOrder(shuffled)).toEqual(planned);
  });
});

describe('stepPath and stepName', () => {
  it('name a step by its place in the workflow, as validation paths do', () => {
    expect(planned.map((s) => stepPath(s, byId))).toEqual([
      'workflow[0]',
      'workflow[0].next[0]',
      'workflow[0].next[0].next[0]',
      'workflow[0].else[0]',
      'workflow[1]',
    ]);
  });

  it('prefer the ref when the step has one', () => {
    expect(planned.map((s) => stepName(s, byId))).toEqual([
      'conditions at workflow[0]',
      'video "a"',
      'thumbnails at workflow[0].next[0].next[0]',
      'image "b"',
      'audio "c"',
    ]);
  });
});
