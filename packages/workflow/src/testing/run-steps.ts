import { isFinalStatus, type TaskStatus } from '@mediaflow/contracts';
import type { RunStep } from '../run/run-step';

/** A run step with its place in the tree and its status, for specs that read no more of it. */
export const bareStep = (
  id: string,
  status: TaskStatus,
  parentId: string | null = null,
): RunStep => ({
  id,
  parentId,
  branch: parentId ? 'next' : null,
  position: 0,
  kind: 'image',
  ref: null,
  options: {},
  conditions: null,
  status,
  progress: isFinalStatus(status) ? 100 : 0,
  input: null,
  output: null,
  error: null,
  skipReason: null,
  finishedAt: null,
});
