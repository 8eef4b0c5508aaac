import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { parseConfig } from '@mediaflow/config';
import type { StoredFile } from '@mediaflow/contracts';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { NatsMessageBus } from '@mediaflow/messaging';
import { outputKey, signFileUrl } from '@mediaflow/storage';
import { S3Storage } from '@mediaflow/storage/s3';
import { startLocalS3, type LocalS3 } from '@mediaflow/storage/testing';
import { startGateway, type RunningGateway } from '../src/bootstrap';
import { gatewayConfigSchema } from '../src/config';
import { FakeRegistry } from './fake-registry';
import { FakeScheduler } from './fake-scheduler';
import { call, freePort } from './http-client';

// Against the real PostgreSQL and NATS, S3 stood in for by s3rver (which checks signatures), the scheduler faked on the bus.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN_KEY = `test_admin_${randomBytes(12).toString('hex')}`;
const SIGNING_SECRET = randomBytes(24).toString('hex');
const S3_PREFIX = 'gateway-test/';
const TTL_S = 3600;

describe('downloads from S3 storage (real PostgreSQL and NATS, s3rver, fake scheduler)', () => {
  let db: TestDatabase;
  let s3: LocalS3;
  let storage: S3Storage;
  let bus: NatsMessageBus;
  let registry: FakeRegistry;
  let scheduler: FakeScheduler;
  let redirecting: RunningGateway;
  let proxying: RunningGateway;
  let projectId: string;
  let clip: Buffer;
  let video: StoredFile;

  const gatewayConfig = async (prefix: string, extra: Record<string, string>) =>
    parseConfig(gatewayConfigSchema, {
      DATABASE_URL: db.url,
      NATS_URL,
      NATS_SUBJECT_PREFIX: prefix,
      NATS_REQUEST_TIMEOUT_MS: '2000',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MEDIAFLOW_API_KEY: ADMIN_KEY,
      MEDIAFLOW_SIGNING_SECRET: SIGNING_SECRET,
      MEDIAFLOW_SIGNED_URL_TTL_S: String(TTL_S),
      MEDIAFLOW_STORAGE: 's3',
      MEDIAFLOW_S3_BUCKET: s3.bucket,
      MEDIAFLOW_S3_ENDPOINT: s3.endpoint,
      MEDIAFLOW_S3_ACCESS_KEY_ID: s3.options.credentials!.accessKeyId,
      MEDIAFLOW_S3_SECRET_ACCESS_KEY: s3.options.credentials!.secretAccessKey,
      MEDIAFLOW_S3_PREFIX: S3_PREFIX,
      ...extra,
    });

  /** A file of the project whose bytes are in the bucket, under the gateway's prefix. */
  async function storedFile(
    taskId: string,
    filename: string,
    bytes: Buffer,
    props: Partial<StoredFile> = {},
  ): Promise<StoredFile> {
    const key = outputKey(projectId, taskId, 1, filename);
    await storage.put(key, Readable.from([bytes]));
    return scheduler.addFile({
      project_id: projectId,
      kind: 'video',
      mimetype: 'video/mp4',
      format: 'mp4',
      filename,
      ref: null,
      width: 320,
      height: 240,
      duration: 1,
      fps: 10,
      filesize: bytes.length,
      has_audio: false,
      has_video: true,
      language: null,
      task_id: taskId,
      storage_key: key,
      ...props,
    });
  }

  const signed = (gateway: RunningGateway, file: StoredFile, expiresAt: Date) => {
    const { expires, signature } = signFileUrl({
      fileId: file.id,
      expiresAt,
      secret: SIGNING_SECRET,
    });
    return `${gateway.url}/files/${file.id}/content?expires=${expires}&signature=${signature}&project_id=${file.project_id}`;
  };

  const inOneHour = () => new Date(Date.now() + TTL_S * 1000);

  beforeAll(async () => {
    db = await createTestDatabase();
    s3 = await startLocalS3();
    storage = new S3Storage({ ...s3.options, prefix: S3_PREFIX });
    const prefix = `gws${randomBytes(5).toString('hex')}`;
    bus = await NatsMessageBus.connect({ url: NATS_URL, name: 'fakes', subjectPrefix: prefix });
    registry = new FakeRegistry(bus);
    scheduler = new FakeScheduler(bus);
    await Promise.all([registry.start(), scheduler.start()]);
    redirecting = await startGateway(
      await gatewayConfig(prefix, { MEDIAFLOW_S3_REDIRECT_DOWNLOADS: 'true' }),
      { shutdownHooks: false },
    );
    proxying = await startGateway(await gatewayConfig(prefix, {}), { shutdownHooks: false });
    projectId = (await call(redirecting.url, 'GET', '/api-keys', { key: ADMIN_KEY })).body.data[0]
      .project_id;
    clip = randomBytes(64 * 1024);
    video = await storedFile('task_video0000000001', 'clip (1).mp4', clip);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([redirecting?.close(), proxying?.close()]);
    await Promise.all([registry?.stop(), scheduler?.stop()]);
    await bus?.close();
    storage?.destroy();
    await s3?.stop();
    await db?.drop();
  });

  it('sends a signed download to a presigned URL of the bucket that serves the bytes', async () => {
    const url = signed(redirecting, video, inOneHour());
    const answer = await fetch(url, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const location = new URL(answer.headers.get('location')!);
    expect(location.origin).toBe(s3.endpoint);
    expect(decodeURIComponent(location.pathname)).toBe(
      `/${s3.bucket}/${S3_PREFIX}${video.storage_key}`,
    );
    // As long as our own signature lives, give or take the second it took.
    const life = Number(location.searchParams.get('X-Amz-Expires'));
    expect(life).toBeLessThanOrEqual(TTL_S);
    expect(life).toBeGreaterThan(TTL_S - 60);

    const fromBucket = await fetch(location);
    expect(fromBucket.status).toBe(200);
    expect(Buffer.from(await fromBucket.arrayBuffer()).equals(clip)).toBe(true);
    expect(fromBucket.headers.get('content-type')).toBe('video/mp4');
    expect(fromBucket.headers.get('content-disposition')).toBe(
      `inline; filename="clip (1).mp4"; filename*=UTF-8''clip%20%281%29.mp4`,
    );
    // A client that follows redirects gets the bytes, and ranges, as from the gateway.
    const followed = await fetch(url, { headers: { Range: 'bytes=100-199' } });
    expect(followed.status).toBe(206);
    expect(Buffer.from(await followed.arrayBuffer()).equals(clip.subarray(100, 200))).toBe(true);
  });

  it("gives the presigned URL no longer than the signed URL's life, and at most 7 days", async () => {
    const soon = await fetch(signed(redirecting, video, new Date(Date.now() + 90_000)), {
      redirect: 'manual',
    });
    const soonLife = Number(
      new URL(soon.headers.get('location')!).searchParams.get('X-Amz-Expires'),
    );
    expect(soonLife).toBeLessThanOrEqual(90);
    expect(soonLife).toBeGreaterThan(30);
    const late = await fetch(signed(redirecting, video, new Date(Date.now() + 30 * 86_400_000)), {
      redirect: 'manual',
    });
    expect(new URL(late.headers.get('location')!).searchParams.get('X-Amz-Expires')).toBe('604800');
  });

  it('serves the bytes itself to HEAD, to an API key, and when redirects are off', async () => {
    const head = await call(redirecting.url, 'HEAD', signed(redirecting, video, inOneHour()));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(clip.length));

    const path = `/files/${video.id}/content`;
    const withKey = await fetch(`${redirecting.url}${path}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      redirect: 'manual',
    });
    expect(withKey.status).toBe(200);
    expect(Buffer.from(await withKey.arrayBuffer()).equals(clip)).toBe(true);

    // The default: the gateway proxies the bytes, read from the bucket.
    const proxied = await fetch(signed(proxying, video, inOneHour()), { redirect: 'manual' });
    expect(proxied.status).toBe(200);
    expect(Buffer.from(await proxied.arrayBuffer()).equals(clip)).toBe(true);
    const ranged = await call(proxying.url, 'GET', signed(proxying, video, inOneHour()), {
      headers: { range: 'bytes=10-19' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.bytes.equals(clip.subarray(10, 20))).toBe(true);
  });

  it('refuses a tampered signature before anything else', async () => {
    // Another first hex digit: a fixed one would leave a signature that already starts with it valid.
    const url = signed(redirecting, video, inOneHour()).replace(
      /signature=(.)/,
      (_, digit: string) => `signature=${digit === '0' ? '1' : '0'}`,
    );
    const answer = await call(redirecting.url, 'GET', url);
    expect(answer.status).toBe(401);
  });

  it('serves a thumbnails track itself, with its sprite linked, and redirects the sprite', async () => {
    const created = await call(redirecting.url, 'POST', '/tasks', {
      key: ADMIN_KEY,
      json: { kind: 'video', file_id: video.id },
    });
    expect(created.status).toBe(201);
    const taskId = created.body.id as string;
    const sprite = await storedFile(taskId, 'sprite.jpg', randomBytes(2048), {
      kind: 'image',
      mimetype: 'image/jpeg',
      format: 'jpeg',
    });
    const track = 'WEBVTT\n\n00:00.000 --> 00:01.000\nsprite.jpg#xywh=0,0,160,90\n';
    const vtt = await storedFile(taskId, 'thumbnails.vtt', Buffer.from(track), {
      kind: 'track',
      mimetype: 'text/vtt',
      format: 'vtt',
    });
    scheduler.update(taskId, {
      status: 'completed',
      progress: 100,
      output: { ...vtt, files: [sprite] },
    });

    const answer = await fetch(signed(redirecting, vtt, inOneHour()), { redirect: 'manual' });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    const spriteUrl = /^(http:\/\/\S+)#xywh=0,0,160,90$/m.exec(text)?.[1];
    expect(spriteUrl?.startsWith(`${redirecting.url}/files/${sprite.id}/content?`)).toBe(true);
    const spriteAnswer = await fetch(spriteUrl!, { redirect: 'manual' });
    expect(spriteAnswer.status).toBe(302);
    expect(spriteAnswer.headers.get('location')!.startsWith(`${s3.endpoint}/`)).toBe(true);
  });

  it('answers 404 when the bytes are missing from the bucket, rather than a dead redirect', async () => {
    const gone = await storedFile('task_gone00000000001', 'gone.mp4', Buffer.from('soon gone'));
    await storage.delete(gone.storage_key);
    const answer = await call(redirecting.url, 'GET', signed(redirecting, gone, inOneHour()));
    expect(answer.status).toBe(404);
  });
});
