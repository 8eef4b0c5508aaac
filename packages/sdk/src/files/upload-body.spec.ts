import { uploadBody, uploadContentType, preparePortable, type UploadProgress } from './upload-body';

async function sent(body: BodyInit): Promise<Uint8Array> {
  return new Uint8Array(await new Response(body).arrayBuffer());
}

describe('uploadContentType', () => {
  it.each([
    [undefined, 'application/octet-stream'],
    ['', 'application/octet-stream'],
    ['video/mp4', 'video/mp4'],
    // The API reads these bodies as {"url"} or as a form, not as the file.
    ['application/json', 'application/octet-stream'],
    ['Application/JSON; charset=utf-8', 'application/octet-stream'],
    ['multipart/form-data; boundary=x', 'application/octet-stream'],
    ['application/ld+json', 'application/ld+json'],
  ])('%p → %s', (type, sentAs) => {
    expect(uploadContentType(type)).toBe(sentAs);
  });
});

describe('uploadBody', () => {
  const bytes = new Uint8Array(200_000).map((_, i) => i % 251);

  it('streams bytes in 64 KiB slices with Content-Length, progress reaching the total', async () => {
    const progress: UploadProgress[] = [];
    let done = 0;
    const body = uploadBody(
      preparePortable(bytes)!,
      { onProgress: (p) => progress.push(p) },
      { streaming: true },
    );
    expect(body.headers).toEqual({
      'content-type': 'application/octet-stream',
      'content-length': '200000',
    });
    const attempt = body.open(() => done++);
    expect(attempt.duplex).toBe(true);
    expect(await sent(attempt.body)).toEqual(bytes);
    expect(progress.map((p) => p.loaded)).toEqual([65536, 131072, 196608, 200000]);
    expect(progress.every((p) => p.total === 200_000)).toBe(true);
    expect(done).toBe(1);
    // A retry sends it all again.
    expect(await sent(body.open(() => undefined).body)).toEqual(bytes);
  });

  it('counts a stream of unknown length, and ends on the total it found', async () => {
    async function* chunks() {
      yield new Uint8Array([1, 2, 3]);
      yield 'abc';
    }
    const progress: UploadProgress[] = [];
    const body = uploadBody(
      preparePortable(chunks())!,
      { onProgress: (p) => progress.push(p), contentType: 'text/plain' },
      { streaming: true },
    );
    expect(body.replayable).toBe(false);
    expect(body.headers['content-length']).toBeUndefined();
    const attempt = body.open(() => undefined);
    expect(attempt.touched()).toBe(false);
    expect(Array.from(await sent(attempt.body))).toEqual([1, 2, 3, 97, 98, 99]);
    expect(attempt.touched()).toBe(true);
    expect(progress.at(-1)).toEqual({ loaded: 6, total: 6 });
  });

  it('takes a Blob (a File: its name and type) and any typed array', async () => {
    const file = new File([bytes], 'clip.mp4', { type: 'video/mp4' });
    expect(preparePortable(file)).toMatchObject({
      filename: 'clip.mp4',
      type: 'video/mp4',
      size: 200_000,
      replayable: true,
    });
    const view = new DataView(bytes.buffer, 10, 5);
    expect(Array.from(await sent(preparePortable(view)!.stream()))).toEqual(
      Array.from(bytes.subarray(10, 15)),
    );
    expect(preparePortable(bytes.buffer)!.size).toBe(200_000);
    expect(preparePortable('a path')).toBeUndefined();
    expect(preparePortable({})).toBeUndefined();
  });

  it('in a browser, sends the bytes whole through the progress transport', async () => {
    const progress: UploadProgress[] = [];
    const transportFetch = jest.fn();
    const madeFor: unknown[] = [];
    const body = uploadBody(
      preparePortable(new Blob([bytes]))!,
      { onProgress: (p) => progress.push(p) },
      {
        streaming: false,
        progressFetch: (onProgress, sentHook) => {
          madeFor.push(onProgress);
          onProgress({ loaded: 1, total: 2 });
          sentHook();
          return transportFetch;
        },
      },
    );
    expect(body.fetch).toBe(transportFetch);
    expect(body.headers['content-length']).toBeUndefined();
    const attempt = body.open(() => undefined);
    expect(attempt.duplex).toBe(false);
    expect(attempt.body).toBeInstanceOf(Blob);
    expect(progress).toEqual([{ loaded: 1, total: 2 }]);
  });
});
