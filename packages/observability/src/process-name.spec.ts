import { processServiceName } from './process-name';

describe('processServiceName', () => {
  it('keeps the first name asked for, so every app of one process logs under it', () => {
    expect(processServiceName('all-in-one')).toBe('all-in-one');
    expect(processServiceName('gateway')).toBe('all-in-one');
    expect(processServiceName('worker-video')).toBe('all-in-one');
  });
});
