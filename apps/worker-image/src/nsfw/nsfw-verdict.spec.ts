import { nsfwVerdict, roundScores, unsafeScore, worstFrame, type NsfwScores } from './nsfw-verdict';

const scores = (over: Partial<NsfwScores>): NsfwScores => ({
  neutral: 0,
  drawing: 0,
  sexy: 0,
  porn: 0,
  hentai: 0,
  ...over,
});

const NEUTRAL = scores({ neutral: 0.97, drawing: 0.01, sexy: 0.01, porn: 0.005, hentai: 0.005 });
const PORN = scores({ neutral: 0.05, drawing: 0.05, sexy: 0.1, porn: 0.7, hentai: 0.1 });
const HALF = scores({ neutral: 0.3, drawing: 0.2, sexy: 0.2, porn: 0.2, hentai: 0.1 });
const SEXY = scores({ neutral: 0.2, sexy: 0.8 });
const ALL_SAFE = scores({ neutral: 0.6, drawing: 0.4 });
const ALL_UNSAFE = scores({ sexy: 0.2, porn: 0.5, hentai: 0.3 });

describe('unsafeScore', () => {
  it('is the mass of sexy, porn and hentai', () => {
    expect(unsafeScore(NEUTRAL)).toBeCloseTo(0.02, 10);
    expect(unsafeScore(PORN)).toBeCloseTo(0.9, 10);
    expect(unsafeScore(ALL_SAFE)).toBe(0);
  });
});

describe('nsfwVerdict', () => {
  it.each([
    // scores, threshold, nsfw, confidence (the decided side's mass)
    ['neutral at the default', NEUTRAL, 0.7, false, 0.98],
    ['porn at the default', PORN, 0.7, true, 0.9],
    ['suggestive only, at the default', SEXY, 0.7, true, 0.8],
    ['suggestive only, a stricter threshold', SEXY, 0.85, false, 0.2],
    ['exactly at the threshold flags', HALF, 0.5, true, 0.5],
    ['just under the threshold does not', HALF, 0.5001, false, 0.5],
    ['threshold 0 flags a neutral picture', NEUTRAL, 0, true, 0.02],
    ['threshold 0 flags even a picture with no unsafe mass', ALL_SAFE, 0, true, 0],
    ['threshold 1 flags porn', PORN, 1, false, 0.1],
    ['threshold 1 flags nothing, not even an unsafe mass of exactly 1', ALL_UNSAFE, 1, false, 0],
    ['threshold 0.9999 still flags an unsafe mass of 1', ALL_UNSAFE, 0.9999, true, 1],
  ])('%s', (_, input, threshold, nsfw, confidence) => {
    const verdict = nsfwVerdict(input, threshold);
    expect(verdict.nsfw).toBe(nsfw);
    expect(verdict.confidence).toBeCloseTo(confidence, 4);
  });

  it('has the shape of docs/task-kinds.md, with every class named', () => {
    expect(nsfwVerdict(NEUTRAL, 0.7)).toEqual({
      nsfw: false,
      confidence: 0.98,
      scores: { neutral: 0.97, drawing: 0.01, sexy: 0.01, porn: 0.005, hentai: 0.005 },
    });
  });
});

describe('roundScores', () => {
  it('keeps four decimals and stays within 0..1', () => {
    expect(
      roundScores(scores({ neutral: 0.8673872351646423, porn: 0.00004, hentai: 1.0000001 })),
    ).toEqual({ neutral: 0.8674, drawing: 0, sexy: 0, porn: 0, hentai: 1 });
  });
});

describe('worstFrame', () => {
  it.each([
    ['no frames', [], -1],
    ['one frame', [NEUTRAL], 0],
    ['the most unsafe one', [NEUTRAL, PORN, HALF], 1],
    ['sexy counts as unsafe', [HALF, SEXY, NEUTRAL], 1],
    ['the first of equals', [NEUTRAL, PORN, PORN], 1],
    ['all safe: the first', [ALL_SAFE, ALL_SAFE], 0],
  ])('%s', (_, frames, expected) => {
    expect(worstFrame(frames)).toBe(expected);
  });
});
