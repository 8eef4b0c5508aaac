import { isFinalStatus, type TaskStatus } from './tasks';

describe('isFinalStatus', () => {
  it('knows the final statuses', () => {
    expect(
      ['completed', 'failed', 'skipped', 'cancelled'].every((s) => isFinalStatus(s as TaskStatus)),
    ).toBe(true);
    expect(['pending', 'waiting', 'processing'].some((s) => isFinalStatus(s as TaskStatus))).toBe(
      false,
    );
  });
});
