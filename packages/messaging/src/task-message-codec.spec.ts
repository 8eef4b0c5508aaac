import { TaskCancelSchema } from '@mediaflow/contracts';
import { decodeTaskMessage, encodeTaskMessage } from './task-message-codec';

describe('task message codec', () => {
  const cancel = { v: 1, task_id: 'task_0123456789abcdef' };

  it('reads back what it wrote', () => {
    expect(decodeTaskMessage(TaskCancelSchema, encodeTaskMessage(cancel))).toEqual({
      ok: true,
      value: cancel,
    });
  });

  it('says when a message is not JSON', () => {
    expect(decodeTaskMessage(TaskCancelSchema, Buffer.from('{nope'))).toEqual({
      ok: false,
      reason: 'not JSON',
    });
  });

  it('names the paths that break the contract', () => {
    const decoded = decodeTaskMessage(
      TaskCancelSchema,
      encodeTaskMessage({ v: 2, task_id: 'file_x' }),
    );
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(/^v: .*; task_id: must be a task_ id$/);
  });
});
