/**
 * Spellings made one before words are compared, as Whisper's English
 * normaliser does: a recogniser writing "mr" for a reference's "mister" has
 * not misheard.
 */
const STANDARD_SPELLINGS: Readonly<Record<string, string>> = {
  mister: 'mr',
  missus: 'mrs',
  missis: 'mrs',
};

/** The words of a text as WER compares them: lower case, no punctuation, standard spellings. Pure. */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .split(' ')
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word !== '')
    .map((word) => STANDARD_SPELLINGS[word] ?? word);
}

export interface WordErrors {
  /** Substitutions + deletions + insertions. */
  errors: number;
  /** Words in the reference. */
  words: number;
}

/**
 * The fewest substitutions, deletions and insertions that turn the
 * reference's words into the hypothesis's (word-level Levenshtein) over
 * normalised words. Pure.
 */
export function wordErrors(reference: string, hypothesis: string): WordErrors {
  const ref = normaliseWords(reference);
  const hyp = normaliseWords(hypothesis);
  // One row of the edit-distance table at a time.
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const substitution = previous[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      row.push(Math.min(substitution, previous[j]! + 1, row[j - 1]! + 1));
    }
    previous = row;
  }
  return { errors: previous[hyp.length]!, words: ref.length };
}

/**
 * Word error rate over a corpus: all errors over all reference words (not
 * the mean of each pair's rate, which would weigh a short sentence like a
 * long one). With no reference words it is 0 for no hypothesis words, else 1.
 */
export function wordErrorRate(pairs: readonly { reference: string; hypothesis: string }[]): number {
  let errors = 0;
  let words = 0;
  for (const pair of pairs) {
    const counted = wordErrors(pair.reference, pair.hypothesis);
    errors += counted.errors;
    words += counted.words;
  }
  if (words === 0) return errors === 0 ? 0 : 1;
  return errors / words;
}
