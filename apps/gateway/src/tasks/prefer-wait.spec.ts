import { MAX_PREFER_WAIT_S, preferenceApplied, preferredWait } from './prefer-wait';

describe('preferredWait', () => {
  it.each<[string, string | string[] | undefined, number | undefined]>([
    ['no header', undefined, undefined],
    ['wait=5', 'wait=5', 5],
    ['any case, with spaces round the =', 'Wait = 12', 12],
    ['a quoted value', 'wait="7"', 7],
    ['among other preferences', 'return=minimal, wait=3; foo=bar, respond-async', 3],
    ['in a second header', ['return=minimal', 'wait=4'], 4],
    ['only the first wait', 'wait=2, wait=9', 2],
    ['a wait past the longest, held to it', 'wait=3600', MAX_PREFER_WAIT_S],
    ['a wait too long for a number', `wait=${'9'.repeat(400)}`, MAX_PREFER_WAIT_S],
    ['wait=0: no wait', 'wait=0', undefined],
    ['no value', 'wait', undefined],
    ['a value that is not seconds', 'wait=soon', undefined],
    ['a negative value', 'wait=-1', undefined],
    ['a fraction', 'wait=1.5', undefined],
    ['a malformed first wait, which hides the second', 'wait=x, wait=5', undefined],
    ['another preference only', 'respond-async', undefined],
    ['a name that only starts with wait', 'waiting=5', undefined],
    ['a comma inside a quoted parameter', 'foo="a,wait=5", wait=6', 6],
  ])('%s', (_what, header, seconds) => {
    expect(preferredWait(header)).toBe(seconds);
  });
});

describe('preferenceApplied', () => {
  it.each([
    [5, 'completed', 'wait=5'],
    [5, 'cancelled', 'wait=5'],
    [5, 'failed', 'wait=5'],
    [5, 'processing', undefined],
    [undefined, 'completed', undefined],
  ] as const)('wait %s, task %s: %s', (wait, status, applied) => {
    expect(preferenceApplied(wait, { status })).toBe(applied);
  });
});
