import fc from 'fast-check';

/**
 * Damage done to a real media file, as a recipe fast-check draws (so a
 * seed names the same damage whatever the file's length) and applies to
 * the bytes: what an interrupted upload, a flaky disk or a crafted file
 * leaves.
 */
export type Damage =
  /** The first `share` of the bytes. */
  | { kind: 'truncate'; share: number }
  /** One bit flipped at each `[place, bit]`, `place` a share of the length. */
  | { kind: 'flip'; flips: [number, number][] }
  /** The first `bytes` bytes set to zero: the magic numbers and the header gone. */
  | { kind: 'zero-head'; bytes: number }
  /** `garbage` written over the file from `place` (a share of the length) on. */
  | { kind: 'overwrite'; place: number; garbage: Uint8Array }
  /** Nothing at all. */
  | { kind: 'empty' };

/**
 * A share of a file's length, 0 ≤ share < 1, uniform: fast-check's usual
 * bias towards small values would put every flip in the first bytes.
 */
const share = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);

export const damage: fc.Arbitrary<Damage> = fc.oneof(
  share.map((s) => ({ kind: 'truncate' as const, share: 0.01 + s * 0.98 })),
  fc
    .array(fc.tuple(share, fc.noBias(fc.integer({ min: 0, max: 7 }))), {
      minLength: 1,
      maxLength: 32,
    })
    .map((flips) => ({ kind: 'flip' as const, flips })),
  fc
    .noBias(fc.integer({ min: 4, max: 512 }))
    .map((bytes) => ({ kind: 'zero-head' as const, bytes })),
  fc
    .tuple(share, fc.uint8Array({ minLength: 16, maxLength: 4096 }))
    .map(([place, garbage]) => ({ kind: 'overwrite' as const, place, garbage })),
);

export function applyDamage(bytes: Buffer, d: Damage): Buffer {
  switch (d.kind) {
    case 'truncate':
      return bytes.subarray(0, Math.floor(bytes.length * d.share));
    case 'flip': {
      const out = Buffer.from(bytes);
      for (const [place, bit] of d.flips) {
        const at = Math.floor(place * out.length);
        out[at] = out[at]! ^ (1 << bit);
      }
      return out;
    }
    case 'zero-head': {
      const out = Buffer.from(bytes);
      out.fill(0, 0, Math.min(d.bytes, out.length));
      return out;
    }
    case 'overwrite': {
      const out = Buffer.from(bytes);
      const at = Math.floor(d.place * out.length);
      out.set(d.garbage.subarray(0, out.length - at), at);
      return out;
    }
    case 'empty':
      return Buffer.alloc(0);
  }
}

/** A short name for a damage, for test titles. */
export function describeDamage(d: Damage): string {
  switch (d.kind) {
    case 'truncate':
      return `truncated to ${(d.share * 100).toFixed(1)}%`;
    case 'flip':
      return `${d.flips.length} bit${d.flips.length > 1 ? 's' : ''} flipped (first at ${(d.flips[0]![0] * 100).toFixed(1)}%)`;
    case 'zero-head':
      return `first ${d.bytes} bytes zeroed`;
    case 'overwrite':
      return `${d.garbage.length} random bytes over it at ${(d.place * 100).toFixed(1)}%`;
    case 'empty':
      return 'empty';
  }
}
