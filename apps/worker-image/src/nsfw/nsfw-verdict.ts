/**
 * From the model's five class probabilities to the `nsfw` kind's answer
 * (docs/task-kinds.md). Pure, so the threshold's edges are table-tested.
 *
 * nsfwjs names Drawing and Neutral "safe for work" and gives no such word to
 * the other three, so a picture is unsafe by the probability mass of
 * sexy + porn + hentai. Sexy (suggestive, partly nude, "not pornography")
 * counts: the kind is asked "is there nudity", and a caller who only minds
 * explicit content raises `threshold` or reads `scores` for itself.
 */

/** The model's classes, as the output names them. */
export const NSFW_CLASSES = ['neutral', 'drawing', 'sexy', 'porn', 'hentai'] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];
export type NsfwScores = Record<NsfwClass, number>;

export interface NsfwVerdict {
  nsfw: boolean;
  /** The probability of the side decided: the unsafe mass when `nsfw`, the safe mass otherwise. */
  confidence: number;
  scores: NsfwScores;
}

/** Decimals kept in the output: float32 noise beyond them says nothing. */
const DECIMALS = 4;

/** The probability that the picture is not safe for work. */
export function unsafeScore(scores: NsfwScores): number {
  return scores.sexy + scores.porn + scores.hentai;
}

/**
 * `nsfw` when the unsafe mass reaches `threshold` (0..1, inclusive): 0 flags
 * every picture; 1 flags none, as the switch that turns flagging off (a
 * float32 softmax can sum to 1 exactly, which `≥ 1` would flag).
 */
export function nsfwVerdict(scores: NsfwScores, threshold: number): NsfwVerdict {
  const unsafe = unsafeScore(scores);
  const nsfw = threshold < 1 && unsafe >= threshold;
  const safe = scores.neutral + scores.drawing;
  return { nsfw, confidence: round(nsfw ? unsafe : safe), scores: roundScores(scores) };
}

/** The index of the frame that is least safe (the first of equals), or -1 for none. */
export function worstFrame(frames: readonly NsfwScores[]): number {
  let worst = -1;
  for (let i = 0; i < frames.length; i++) {
    if (worst === -1 || unsafeScore(frames[i]!) > unsafeScore(frames[worst]!)) worst = i;
  }
  return worst;
}

export function roundScores(scores: NsfwScores): NsfwScores {
  return {
    neutral: round(scores.neutral),
    drawing: round(scores.drawing),
    sexy: round(scores.sexy),
    porn: round(scores.porn),
    hentai: round(scores.hentai),
  };
}

function round(value: number): number {
  const factor = 10 ** DECIMALS;
  // Clamped: a sum of float32 probabilities may stray past 1 by an ulp.
  return Math.min(1, Math.max(0, Math.round(value * factor) / factor));
}
