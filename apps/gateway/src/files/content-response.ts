import { MediaflowError, type ErrorBody } from '@mediaflow/contracts';
import {
  contentDisposition,
  contentRange,
  parseRangeHeader,
  type SatisfiableRange,
} from '@mediaflow/storage';

/** What is known of the bytes before sending them. */
export interface ContentFacts {
  size: number;
  etag: string;
  mimetype: string;
  filename: string;
}

/** The request headers that shape the answer. */
export interface ContentConditions {
  range?: string;
  ifRange?: string;
  ifNoneMatch?: string;
}

export type ContentPlan =
  | { status: 200; range: null; headers: Record<string, string> }
  | { status: 206; range: SatisfiableRange; headers: Record<string, string> }
  | { status: 304; headers: Record<string, string> }
  /** With the error envelope's content, the answer's body. */
  | { status: 416; headers: Record<string, string>; error: ErrorBody };

/**
 * Served files are users' media, on the API's own origin (where the docs
 * page keeps a pasted key): never sniffed into HTML, never run as a page.
 */
const SAFETY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
};

/** A strong validator of a file's bytes: a file record never changes, its size is a check on the bytes. */
export function fileEtag(fileId: string, size: number): string {
  return `"${fileId}.${size}"`;
}

/** `inline` with the name as given (RFC 6266), as the bucket answers a presigned download too. */
export { contentDisposition };

/** `If-None-Match`: any listed tag, compared weakly (RFC 9110 §13.1.2), or `*`. */
function noneMatch(header: string, etag: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.trim() === '*' || header.split(',').some((tag) => bare(tag) === bare(etag));
}

/**
 * How to answer `GET /files/:id/content`: the whole file (200), one range
 * (206), not modified (304) or a range past the end (416), with the headers
 * of each. Several ranges and malformed ones get the whole file, as RFC 9110
 * allows; an `If-Range` that does not name these bytes does too.
 */
export function planContentResponse(
  facts: ContentFacts,
  conditions: ContentConditions,
): ContentPlan {
  const common = { 'Accept-Ranges': 'bytes', ETag: facts.etag, ...SAFETY_HEADERS };
  if (conditions.ifNoneMatch !== undefined && noneMatch(conditions.ifNoneMatch, facts.etag)) {
    return { status: 304, headers: common };
  }
  // If-Range is compared strongly; a date never matches, having no Last-Modified to match.
  const rangeApplies = conditions.ifRange === undefined || conditions.ifRange.trim() === facts.etag;
  const range = rangeApplies ? parseRangeHeader(conditions.range, facts.size) : null;
  if (range === 'unsatisfiable') {
    return {
      status: 416,
      headers: { ...common, 'Content-Range': contentRange(range, facts.size) },
      error: new MediaflowError(
        'range_not_satisfiable',
        `The requested range holds no byte of the file (${facts.size} bytes)`,
      ).toBody(),
    };
  }
  const body = {
    ...common,
    'Content-Type': facts.mimetype,
    'Content-Disposition': contentDisposition(facts.filename),
  };
  if (range === null) {
    return { status: 200, range: null, headers: { ...body, 'Content-Length': String(facts.size) } };
  }
  return {
    status: 206,
    range,
    headers: {
      ...body,
      'Content-Length': String(range.end - range.start + 1),
      'Content-Range': contentRange(range, facts.size),
    },
  };
}
