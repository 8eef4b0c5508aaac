import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import {
  ALL_APPS,
  client,
  downloadBytes,
  downloadImage,
  Fixtures,
  FixtureServer,
  startApp,
  System,
  waitForTask,
  type AppProcess,
} from '@mediaflow/testing';

// POST /files with every app a separate process on the real NATS and
// PostgreSQL: uploads (raw and multipart) and URL ingests become files that
// download back byte for byte and feed tasks. URLs are served from
// 127.0.0.1, which the allow-list lets ingest fetch.

const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

describe('POST /files', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;
  let photo: Buffer;
  let clip: Buffer;

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 640, 480);
    await fixtures.video('clip.mp4', 320, 240, 2);
    photo = fixtures.bytes('photo.jpg');
    clip = fixtures.bytes('clip.mp4');
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, {
      MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
      MEDIAFLOW_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    });
    api = client(system.baseUrl, system.adminKey);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  /** Every object in storage, as keys (in-flight writes under `.tmp/`). */
  function storedKeys(): string[] {
    const root = path.join(system.dataDir, 'files');
    const keys: string[] = [];
    const walk = (dir: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else keys.push(path.relative(root, full).split(path.sep).join('/'));
      }
    };
    walk(root);
    return keys.sort();
  }

  /** Uploads waiting for their ingest (the projects' upload keys) and half-written objects. */
  const stagedOrPartial = () =>
    storedKeys().filter((key) => /^projects\/[^/]+\/files\//.test(key) || key.startsWith('.tmp/'));

  /** The scheduler deletes a staged upload once its ingest has ended, just after the answer may be out. */
  async function expectNothingStaged(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (stagedOrPartial().length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(stagedOrPartial()).toEqual([]);
  }

  async function filesTotal(): Promise<number> {
    const res = await api('GET', '/files?limit=1');
    expect(res.status).toBe(200);
    return res.body.meta.total;
  }

  async function ingestTasksTotal(): Promise<number> {
    const res = await api('GET', '/tasks?kind=ingest&limit=1');
    expect(res.status).toBe(200);
    return res.body.meta.total;
  }

  function multipart(name: string, bytes: Buffer, type: string): FormData {
    const form = new FormData();
    form.append('note', 'fields before the file are ignored');
    form.append('file', new Blob([bytes], { type }), name);
    return form;
  }

  describe('uploads', () => {
    it('stores a JPEG sent as the raw body and gives the same bytes back through the signed url', async () => {
      const res = await api('POST', '/files?filename=holiday.jpg', {
        data: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        object: 'file',
        kind: 'image',
        mimetype: 'image/jpeg',
        format: 'jpeg',
        filename: 'holiday.jpg',
        width: 640,
        height: 480,
        duration: null,
        filesize: photo.length,
        has_video: false,
        has_audio: false,
        ref: null,
      });
      expect(res.body.id).toMatch(/^file_[a-z0-9]{16}$/);
      expect(res.body).not.toHaveProperty('storage_key');

      const downloaded = await downloadBytes(res.body.url);
      expect(downloaded.status).toBe(200);
      expect(downloaded.bytes.equals(photo)).toBe(true);
      const { url: _url, ...record } = res.body;
      expect((await api('GET', `/files/${res.body.id}`)).body).toMatchObject(record);

      // Its ingest is a task like any other.
      const ingest = await api('GET', `/tasks/${res.body.task_id}`);
      expect(ingest.body).toMatchObject({
        kind: 'ingest',
        status: 'completed',
        parent_id: null,
        input: null,
        output: { id: res.body.id },
      });
      await expectNothingStaged();
    });

    it('stores an MP4 sent as multipart, named as its part, with its duration and streams', async () => {
      const res = await api('POST', '/files', { data: multipart('clip.mp4', clip, 'video/mp4') });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        object: 'file',
        kind: 'video',
        mimetype: 'video/mp4',
        filename: 'clip.mp4',
        width: 320,
        height: 240,
        filesize: clip.length,
        has_video: true,
        has_audio: true,
      });
      expect(res.body.duration).toBeCloseTo(2, 0);
      expect(res.body.fps).toBeCloseTo(30, 0);
      expect((await downloadBytes(res.body.url)).bytes.equals(clip)).toBe(true);
      await expectNothingStaged();
    });

    it('names a raw upload from its Content-Disposition, else "upload" with its format', async () => {
      const named = await api('POST', '/files', {
        data: photo,
        headers: {
          'content-type': 'application/octet-stream',
          'content-disposition': 'attachment; filename="from header.jpg"',
        },
      });
      expect(named.status).toBe(201);
      expect(named.body.filename).toBe('from header.jpg');
      const unnamed = await api('POST', '/files', {
        data: photo,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(unnamed.status).toBe(201);
      expect(unnamed.body.filename).toBe('upload.jpeg');
    });

    it('makes a file a task runs on', async () => {
      const uploaded = await api('POST', '/files?filename=photo.jpg', {
        data: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(uploaded.status).toBe(201);
      const created = await api('POST', '/tasks', {
        body: { kind: 'image', file_id: uploaded.body.id, options: { width: 100, format: 'png' } },
      });
      expect(created.status).toBe(201);
      const done = await waitForTask(api, created.body.id);
      expect(done).toMatchObject({ status: 'completed', input: { id: uploaded.body.id } });
      expect(await downloadImage(done.output.url)).toMatchObject({
        format: 'png',
        width: 100,
        height: 75,
      });
    });
  });

  describe('URLs', () => {
    it('fetches a URL and stores it, under the name given', async () => {
      const res = await api('POST', '/files', {
        body: { url: files.url('photo.jpg'), filename: 'from-url.jpg' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        object: 'file',
        kind: 'image',
        width: 640,
        height: 480,
        filename: 'from-url.jpg',
        filesize: photo.length,
      });
      expect((await downloadBytes(res.body.url)).bytes.equals(photo)).toBe(true);
      const plain = await api('POST', '/files', { body: { url: files.url('clip.mp4') } });
      expect(plain.status).toBe(201);
      expect(plain.body).toMatchObject({
        kind: 'video',
        filename: 'clip.mp4',
        width: 320,
        height: 240,
      });
    });

    it('refuses an address off the allow list with the ingest refusal code', async () => {
      const res = await api('POST', '/files', {
        body: { url: files.url('photo.jpg').replace('127.0.0.1', '127.0.0.2') },
      });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        error: { code: 'input_forbidden', message: expect.stringContaining('127.0.0.2') },
      });
    });

    it('answers 400 naming a misspelt or missing field, and 413 to a JSON body over 256 KB as before', async () => {
      const misspelt = await api('POST', '/files', { body: { uri: files.url('photo.jpg') } });
      expect(misspelt.status).toBe(400);
      expect(misspelt.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(misspelt.body.error.details)).toContain('uri');
      expect(misspelt.body.error.details.map((d: { path: string }) => d.path)).toContain('url');
      const big = await api('POST', '/files', {
        body: { url: files.url('photo.jpg'), filename: 'x'.repeat(300 * 1024) },
      });
      expect(big.status).toBe(413);
      expect(big.body.error).toMatchObject({
        code: 'payload_too_large',
        message: expect.stringContaining('256 KB'),
      });
    });

    it('answers 202 with the ingest task when it outlasts the wait, and the task goes on to make the file', async () => {
      let impatient: AppProcess | undefined;
      try {
        impatient = await startApp('gateway', { ...system.env, MEDIAFLOW_FILE_WAIT_MS: '0' });
        const other = client(`http://127.0.0.1:${impatient.port}`, system.adminKey);
        const res = await other('POST', '/files', { body: { url: files.url('clip.mp4') } });
        expect(res.status).toBe(202);
        expect(res.body).toMatchObject({ object: 'task', kind: 'ingest', output: null });
        expect(['pending', 'processing']).toContain(res.body.status);
        const done = await waitForTask(other, res.body.id);
        expect(done).toMatchObject({
          status: 'completed',
          output: { object: 'file', kind: 'video', width: 320 },
        });
      } finally {
        await impatient?.stop();
      }
    });
  });

  describe('refused uploads', () => {
    it('answers 422 input_unreadable to zero bytes, starting nothing', async () => {
      const tasks = await ingestTasksTotal();
      const res = await api('POST', '/files', {
        data: new Uint8Array(0),
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('input_unreadable');
      expect(await ingestTasksTotal()).toBe(tasks);
      expect(stagedOrPartial()).toEqual([]);
    });

    it('answers 422 input_unreadable to bytes no prober reads, and removes them', async () => {
      const before = await filesTotal();
      const res = await api('POST', '/files?filename=notes.txt', {
        data: Buffer.from('this is not media\n'.repeat(100)),
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('input_unreadable');
      expect(await filesTotal()).toBe(before);
      await expectNothingStaged();
    });

    it('answers 413 past MEDIAFLOW_MAX_UPLOAD_BYTES, raw or multipart, leaving nothing in storage', async () => {
      const before = await filesTotal();
      const keys = storedKeys();
      const tooBig = randomBytes(MAX_UPLOAD_BYTES + 1024 * 1024);

      const raw = await api('POST', '/files', {
        data: tooBig,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(raw.status).toBe(413);
      expect(raw.body.error).toMatchObject({
        code: 'payload_too_large',
        message: expect.stringContaining(String(MAX_UPLOAD_BYTES)),
      });

      // No Content-Length to refuse it by: it is counted as it streams, stored up to the limit, then removed.
      const form = await api('POST', '/files', {
        data: multipart('big.bin', tooBig, 'application/octet-stream'),
      });
      expect(form.status).toBe(413);
      expect(form.body.error.code).toBe('payload_too_large');

      const chunked = await fetch(`${system.baseUrl}/files`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${system.adminKey}`,
          'content-type': 'application/octet-stream',
        },
        body: new Blob([tooBig]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe(
        'payload_too_large',
      );

      expect(stagedOrPartial()).toEqual([]);
      expect(storedKeys()).toEqual(keys);
      expect(await filesTotal()).toBe(before);
    });

    it('keeps nothing of an upload whose client hangs up half way, raw or multipart', async () => {
      const before = await filesTotal();
      const hangUpHalfWay = (contentType: string, head: Buffer) =>
        new Promise<void>((resolve) => {
          const req = httpRequest(`${system.baseUrl}/files`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${system.adminKey}`,
              'content-type': contentType,
              'content-length': 4 * 1024 * 1024,
            },
          });
          req.on('error', () => resolve());
          req.on('close', () => resolve());
          req.write(head, () => setTimeout(() => req.destroy(), 300));
        });
      await hangUpHalfWay('application/octet-stream', randomBytes(1024 * 1024));
      const boundary = 'e2e-hang-up';
      const partHead = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="half.bin"\r\n\r\n`;
      await hangUpHalfWay(
        `multipart/form-data; boundary=${boundary}`,
        Buffer.concat([Buffer.from(partHead), randomBytes(1024 * 1024)]),
      );
      await expectNothingStaged();
      expect(await filesTotal()).toBe(before);
      // And the gateway takes the next upload as usual.
      expect(
        (await api('POST', '/files', { data: photo, headers: { 'content-type': 'image/jpeg' } }))
          .status,
      ).toBe(201);
    });

    it('answers 401 without a key and stores nothing', async () => {
      const keys = storedKeys();
      const anonymous = client(system.baseUrl, null);
      const raw = await anonymous('POST', '/files', {
        data: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(raw.status).toBe(401);
      expect(raw.body.error.code).toBe('unauthorized');
      const form = await anonymous('POST', '/files', {
        data: multipart('clip.mp4', clip, 'video/mp4'),
      });
      expect(form.status).toBe(401);
      expect(storedKeys()).toEqual(keys);
    });

    it('answers 400 to a multipart body without a file part', async () => {
      const form = new FormData();
      form.append('url', files.url('photo.jpg'));
      const res = await api('POST', '/files', { data: form });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'validation_failed',
        message: expect.stringContaining('no file part'),
      });
      await expectNothingStaged();
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer to the same upload and stores nothing new; another upload with the key is a 409', async () => {
      const key = `e2e-upload-${randomBytes(8).toString('hex')}`;
      const send = (bytes: Buffer) =>
        api('POST', '/files?filename=once.jpg', {
          data: bytes,
          headers: { 'content-type': 'image/jpeg', 'idempotency-key': key },
        });
      const first = await send(photo);
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      await expectNothingStaged();
      const total = await filesTotal();
      const tasks = await ingestTasksTotal();
      const keys = storedKeys();

      const again = await send(photo);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await filesTotal()).toBe(total);
      expect(await ingestTasksTotal()).toBe(tasks);
      expect(storedKeys()).toEqual(keys);

      const other = await send(photo.subarray(0, photo.length - 10));
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('conflict');
      expect(storedKeys()).toEqual(keys);
    });
  });
});
