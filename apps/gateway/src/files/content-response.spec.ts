import { ERROR_STATUS } from '@mediaflow/contracts';
import {
  contentDisposition,
  fileEtag,
  planContentResponse,
  type ContentFacts,
} from './content-response';

const facts: ContentFacts = {
  size: 1000,
  etag: fileEtag('file_aaaaaaaaaaaaaaaa', 1000),
  mimetype: 'video/mp4',
  filename: 'web.mp4',
};

describe('planContentResponse', () => {
  const cases: [
    string,
    Parameters<typeof planContentResponse>[1],
    number,
    [number, number] | null,
    string | undefined,
  ][] = [
    ['no Range: the whole file', {}, 200, null, undefined],
    ['the first 100 bytes', { range: 'bytes=0-99' }, 206, [0, 99], 'bytes 0-99/1000'],
    ['from 900 to the end', { range: 'bytes=900-' }, 206, [900, 999], 'bytes 900-999/1000'],
    ['the last 10 bytes', { range: 'bytes=-10' }, 206, [990, 999], 'bytes 990-999/1000'],
    [
      'an end past the size, cut to it',
      { range: 'bytes=500-5000' },
      206,
      [500, 999],
      'bytes 500-999/1000',
    ],
    ['a start past the end', { range: 'bytes=1000-' }, 416, null, 'bytes */1000'],
    ['a zero suffix', { range: 'bytes=-0' }, 416, null, 'bytes */1000'],
    ['several ranges: the whole file', { range: 'bytes=0-1,5-9' }, 200, null, undefined],
    ['another unit: the whole file', { range: 'items=0-1' }, 200, null, undefined],
    ['a malformed range: the whole file', { range: 'bytes=abc' }, 200, null, undefined],
    [
      'If-Range naming these bytes',
      { range: 'bytes=0-9', ifRange: facts.etag },
      206,
      [0, 9],
      'bytes 0-9/1000',
    ],
    [
      'If-Range naming other bytes',
      { range: 'bytes=0-9', ifRange: '"file_other.1000"' },
      200,
      null,
      undefined,
    ],
    [
      'If-Range with a date',
      { range: 'bytes=0-9', ifRange: 'Wed, 21 Oct 2015 07:28:00 GMT' },
      200,
      null,
      undefined,
    ],
    ['If-None-Match with this ETag', { ifNoneMatch: facts.etag }, 304, null, undefined],
    [
      'If-None-Match with it weak, in a list',
      { ifNoneMatch: `"x", W/${facts.etag}` },
      304,
      null,
      undefined,
    ],
    ['If-None-Match: *', { ifNoneMatch: '*' }, 304, null, undefined],
    [
      'If-None-Match with another ETag',
      { ifNoneMatch: '"x"', range: 'bytes=0-0' },
      206,
      [0, 0],
      'bytes 0-0/1000',
    ],
  ];

  it.each(cases)('%s', (_name, conditions, status, range, contentRange) => {
    const plan = planContentResponse(facts, conditions);
    expect(plan.status).toBe(status);
    expect(plan.headers['Accept-Ranges']).toBe('bytes');
    expect(plan.headers.ETag).toBe(facts.etag);
    expect(plan.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(plan.headers['Content-Range']).toBe(contentRange);
    if (plan.status === 206) {
      expect([plan.range.start, plan.range.end]).toEqual(range);
      expect(plan.headers['Content-Length']).toBe(String(range![1] - range![0] + 1));
    }
    if (plan.status === 200) {
      expect(plan.range).toBeNull();
      expect(plan.headers['Content-Length']).toBe('1000');
    }
    if (plan.status === 200 || plan.status === 206) {
      expect(plan.headers['Content-Type']).toBe('video/mp4');
      expect(plan.headers['Content-Disposition']).toBe(
        `inline; filename="web.mp4"; filename*=UTF-8''web.mp4`,
      );
    } else {
      // Nothing is sent with a 304 or a 416 but the headers (and a 416's error envelope).
      expect(plan.headers).not.toHaveProperty('Content-Length');
      expect(plan.headers).not.toHaveProperty('Content-Type');
    }
  });

  it('answers a range past the end with its own code, a 416 (validation_failed is a 400)', () => {
    const plan = planContentResponse(facts, { range: 'bytes=1000-' });
    if (plan.status !== 416) throw new Error(`a ${plan.status}`);
    expect(plan.error).toEqual({
      code: 'range_not_satisfiable',
      message: 'The requested range holds no byte of the file (1000 bytes)',
    });
    expect(ERROR_STATUS[plan.error.code]).toBe(416);
  });

  it('answers an empty file whole, and any range of it 416', () => {
    const empty = { ...facts, size: 0 };
    expect(planContentResponse(empty, {})).toMatchObject({
      status: 200,
      headers: { 'Content-Length': '0' },
    });
    expect(planContentResponse(empty, { range: 'bytes=0-' }).status).toBe(416);
  });
});

describe('fileEtag', () => {
  it('is a strong validator that changes with the file and its size', () => {
    expect(fileEtag('file_a', 10)).toBe('"file_a.10"');
    expect(fileEtag('file_a', 11)).not.toBe(fileEtag('file_a', 10));
    expect(fileEtag('file_b', 10)).not.toBe(fileEtag('file_a', 10));
  });
});

describe('contentDisposition', () => {
  it.each([
    ['web.mp4', `inline; filename="web.mp4"; filename*=UTF-8''web.mp4`],
    [
      'my clip (1).mp4',
      `inline; filename="my clip (1).mp4"; filename*=UTF-8''my%20clip%20%281%29.mp4`,
    ],
    ['été.png', `inline; filename="_t_.png"; filename*=UTF-8''%C3%A9t%C3%A9.png`],
    ['say "hi"\\.txt', `inline; filename="say _hi__.txt"; filename*=UTF-8''say%20%22hi%22%5C.txt`],
    [
      'a\r\nSet-Cookie: x',
      `inline; filename="a__Set-Cookie: x"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x`,
    ],
  ])('names %j safely', (filename, expected) => {
    expect(contentDisposition(filename)).toBe(expected);
  });
});
