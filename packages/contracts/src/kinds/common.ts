import { z } from 'zod';

/** The kinds a file can be (docs/http-api.md, Files). */
export const FILE_KINDS = ['video', 'image', 'audio', 'track', 'data'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** The media kinds a step can take as its input. */
export type InputKind = Exclude<FileKind, 'data'>;
export const INPUT_KINDS: readonly InputKind[] = ['video', 'image', 'audio', 'track'];

/** What a step makes: a file of a kind, or `data` (which passes its input on). */
export type OutputKind = InputKind | 'data' | 'passthrough' | 'source';

export const WORKERS = ['video', 'image', 'subtitles', 'summary', 'scheduler'] as const;
export type WorkerName = (typeof WORKERS)[number];

/**
 * The most pixels (width × height) a step may ask its output to have. The
 * validation refuses a larger requested size (400 `validation_failed`), and
 * the image worker reads back what it made under this limit, never under
 * MEDIAFLOW_MAX_INPUT_PIXELS, which is about inputs. The value is that
 * variable's default. Checked at submission because a 16384×16384 `fill`
 * of a 64 px image (268 megapixels) was accepted, rendered for 10 s, and
 * only then failed `input_too_large` when the worker read its own output.
 */
export const MAX_OUTPUT_PIXELS = 100_000_000;

/** Seconds into the media, for trims and frame grabs. */
export const seconds = () => z.number().min(0).max(86_400);

export const language = () =>
  z.string().regex(/^[a-z]{2}$/, 'must be a two-letter ISO 639-1 code such as "en"');

/** A plain file name: no directories, no control characters, no dot-only names. */
export const filename = () =>
  z
    .string()
    .min(1)
    .max(255)
    // Control characters are exactly what this refuses.
    // eslint-disable-next-line no-control-regex
    .regex(/^(?!\.{1,2}$)[^/\\\u0000-\u001f]+$/, 'must be a plain file name without slashes')
    .describe("The output's file name");

export const hexColour = () =>
  z
    .string()
    .regex(
      /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/,
      'must be a hex colour such as "#000000"',
    );

export function int(min: number, max: number) {
  return z.number().int().min(min).max(max);
}

/** `end` must come after `start` when both are given. */
export function checkTrim(o: { start?: number; end?: number }, ctx: z.RefinementCtx): void {
  if (o.start !== undefined && o.end !== undefined && o.end <= o.start) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be greater than start' });
  }
}
