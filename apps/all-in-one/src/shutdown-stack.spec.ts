import { ShutdownStack } from './shutdown-stack';

describe('ShutdownStack', () => {
  it('closes in the reverse order of starting, once however often it is asked', async () => {
    const closed: string[] = [];
    const stack = new ShutdownStack();
    for (const name of ['database', 'messaging', 'gateway'])
      stack.push(async () => void closed.push(name));
    await Promise.all([stack.close(), stack.close()]);
    await stack.close();
    expect(closed).toEqual(['gateway', 'messaging', 'database']);
  });

  it('closes the rest when one fails, then reports the failure', async () => {
    const closed: string[] = [];
    const stack = new ShutdownStack();
    stack.push(async () => void closed.push('database'));
    stack.push(async () => {
      throw new Error('broker would not close');
    });
    stack.push(async () => void closed.push('gateway'));
    await expect(stack.close()).rejects.toThrow('broker would not close');
    expect(closed).toEqual(['gateway', 'database']);
  });
});
