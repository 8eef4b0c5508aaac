import { ENGLISH_STOP_WORDS } from './stop-words';

/**
 * TextRank over sentences (Mihalcea & Tarau, 2004): a graph whose vertices
 * are the sentences and whose edges weigh how much two sentences share,
 * ranked by weighted PageRank. Deterministic: the same sentences give the
 * same ranking, ties going to the earlier sentence.
 */

export const DAMPING = 0.85;
/** The paper's threshold: iterate until no score moves by more than this. */
const CONVERGED = 1e-4;
const MAX_ITERATIONS = 200;
/** Above this many sentences, ranking goes by windows first, so the quadratic graph stays small. */
export const MAX_RANKED_SENTENCES = 1000;

/** A sentence's content words: lower case, stop words out, plurals and possessives folded. */
export function contentWords(sentence: string, language = 'en'): string[] {
  const words = sentence.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
  if (language !== 'en') return words;
  return words
    .map((word) => word.replace(/’/g, "'"))
    .filter((word) => !ENGLISH_STOP_WORDS.has(word))
    .map(stem);
}

/** Folds the endings that most often keep the same word apart: `cities` → `city`, `boxes` → `box`, `model's` → `model`. */
function stem(word: string): string {
  const bare = word.replace(/'s$/, '').replace(/'$/, '');
  if (bare.length > 4 && bare.endsWith('ies')) return `${bare.slice(0, -3)}y`;
  if (/(?:ss|x|ch|sh)es$/.test(bare)) return bare.slice(0, -2);
  if (bare.length > 3 && bare.endsWith('s') && !/(?:ss|us|is)$/.test(bare))
    return bare.slice(0, -1);
  return bare;
}

/**
 * The paper's similarity: the content words two sentences share, over the
 * sum of the logs of their lengths in words (at least 1, so that two
 * one-word sentences do not divide by zero).
 */
export function similarity(
  a: ReadonlySet<string>,
  aLength: number,
  b: ReadonlySet<string>,
  bLength: number,
): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  if (shared === 0) return 0;
  return shared / Math.max(1, Math.log(aLength) + Math.log(bLength));
}

/** Each sentence's TextRank score, in the sentences' order. */
export function textRankScores(sentences: readonly string[], language = 'en'): number[] {
  const n = sentences.length;
  const words = sentences.map((s) => new Set(contentWords(s, language)));
  const lengths = sentences.map((s) => Math.max(1, s.split(/\s+/).filter(Boolean).length));
  // The graph's edges, sentence by sentence: most pairs share nothing, so lists rather than a matrix.
  const edges: { to: number; weight: number }[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const weight = similarity(words[i]!, lengths[i]!, words[j]!, lengths[j]!);
      if (weight === 0) continue;
      edges[i]!.push({ to: j, weight });
      edges[j]!.push({ to: i, weight });
    }
  }
  const outWeight = edges.map((list) => list.reduce((sum, edge) => sum + edge.weight, 0));

  let scores = new Array<number>(n).fill(1);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const next = new Array<number>(n).fill(1 - DAMPING);
    for (let j = 0; j < n; j++) {
      // What sentence j passes on, shared among its neighbours by the weight of each edge.
      const share = (DAMPING * scores[j]!) / (outWeight[j]! || 1);
      for (const { to, weight } of edges[j]!) next[to]! += share * weight;
    }
    let change = 0;
    for (let i = 0; i < n; i++) change = Math.max(change, Math.abs(next[i]! - scores[i]!));
    scores = next;
    if (change < CONVERGED) break;
  }
  return scores;
}

/**
 * The sentences' indices, best first. A long text is ranked window by window
 * first and only each window's best go on to the final ranking.
 */
export function rankSentences(sentences: readonly string[], language = 'en'): number[] {
  if (sentences.length <= MAX_RANKED_SENTENCES) return byScore(textRankScores(sentences, language));

  const windows = Math.ceil(sentences.length / MAX_RANKED_SENTENCES);
  const size = Math.ceil(sentences.length / windows);
  const keep = Math.floor(MAX_RANKED_SENTENCES / windows);
  const finalists: number[] = [];
  for (let start = 0; start < sentences.length; start += size) {
    const window = sentences.slice(start, start + size);
    finalists.push(
      ...rankSentences(window, language)
        .slice(0, keep)
        .map((i) => start + i),
    );
  }
  finalists.sort((a, b) => a - b);
  return rankSentences(
    finalists.map((i) => sentences[i]!),
    language,
  ).map((i) => finalists[i]!);
}

function byScore(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}
