import { createHash } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidStorageKeyError } from './key-validation';
import { LocalStorage } from './local-storage';
import { StorageNotFoundError } from './storage';
import { storageContract } from './testing/storage.contract';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A body that yields its chunks with a pause between them, like a slow upload. */
function slowBody(chunks: Buffer[], pauseMs: number): Readable {
  return Readable.from(
    (async function* () {
      for (const chunk of chunks) {
        await sleep(pauseMs);
        yield chunk;
      }
    })(),
  );
}

storageContract('LocalStorage', async () => {
  const root = await mkdtemp(join(tmpdir(), 'mediaflow-storage-'));
  return {
    storage: new LocalStorage(join(root, 'files')),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('LocalStorage', () => {
  let root: string;
  let storage: LocalStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mediaflow-storage-'));
    storage = new LocalStorage(join(root, 'files'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('puts a stream under a nested key, creating directories, and gets it back', async () => {
    const { size } = await storage.put(
      'projects/prj_1/files/file_1/hello.txt',
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
    );
    expect(size).toBe(11);
    const object = await storage.get('projects/prj_1/files/file_1/hello.txt');
    expect(object.size).toBe(11);
    expect((await readAll(object.stream)).toString()).toBe('hello world');
    await expect(
      readFile(join(root, 'files/projects/prj_1/files/file_1/hello.txt'), 'utf8'),
    ).resolves.toBe('hello world');
    // Nothing is left behind in the temp area.
    await expect(readdir(join(root, 'files/.tmp'))).resolves.toEqual([]);
  });

  it('serves inclusive byte ranges and always reports the whole size', async () => {
    await storage.put('a/digits', Readable.from([Buffer.from('0123456789')]));
    const middle = await storage.get('a/digits', { start: 2, end: 5 });
    expect(middle.size).toBe(10);
    expect((await readAll(middle.stream)).toString()).toBe('2345');
    const tail = await storage.get('a/digits', { start: 7 });
    expect((await readAll(tail.stream)).toString()).toBe('789');
    const clamped = await storage.get('a/digits', { start: 8, end: 1000 });
    expect((await readAll(clamped.stream)).toString()).toBe('89');
    const single = await storage.get('a/digits', { start: 0, end: 0 });
    expect((await readAll(single.stream)).toString()).toBe('0');
    await expect(storage.get('a/digits', { start: 10 })).rejects.toThrow(RangeError);
    await expect(storage.get('a/digits', { start: 5, end: 4 })).rejects.toThrow(RangeError);
  });

  it('stats, deletes (a missing key is fine) and reports a missing key as StorageNotFoundError', async () => {
    await storage.put('x/one.bin', Readable.from([Buffer.alloc(1234, 1)]));
    await expect(storage.stat('x/one.bin')).resolves.toEqual({ size: 1234 });
    await expect(storage.stat('x/none.bin')).resolves.toBeNull();
    // A directory is not an object.
    await expect(storage.stat('x')).resolves.toBeNull();
    await storage.delete('x/one.bin');
    await expect(storage.stat('x/one.bin')).resolves.toBeNull();
    await expect(storage.delete('x/one.bin')).resolves.toBeUndefined();
    await expect(storage.delete('never/was/here')).resolves.toBeUndefined();
    await expect(storage.get('x/one.bin')).rejects.toBeInstanceOf(StorageNotFoundError);
    await expect(storage.get('x')).rejects.toBeInstanceOf(StorageNotFoundError);
    await expect(storage.localPath('x/one.bin', root)).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('deletes everything under a prefix and nothing beside it', async () => {
    const put = (key: string) => storage.put(key, Readable.from([Buffer.from(key)]));
    await put('projects/p/tasks/t/1/out.mp4');
    await put('projects/p/tasks/t/1/sprite/0.jpg');
    await put('projects/p/tasks/t/2/out.mp4');
    await put('projects/p/tasks/t/10/out.mp4');
    await storage.deletePrefix('projects/p/tasks/t/1/');
    await expect(storage.stat('projects/p/tasks/t/1/out.mp4')).resolves.toBeNull();
    await expect(storage.stat('projects/p/tasks/t/1/sprite/0.jpg')).resolves.toBeNull();
    // Prefixes end at a segment: `1` does not take `10` with it.
    await expect(storage.stat('projects/p/tasks/t/10/out.mp4')).resolves.not.toBeNull();
    await expect(storage.stat('projects/p/tasks/t/2/out.mp4')).resolves.not.toBeNull();
    await expect(storage.deletePrefix('projects/p/tasks/nothing')).resolves.toBeUndefined();
    // The directory is made again by the next put.
    await put('projects/p/tasks/t/1/again.mp4');
    await expect(storage.stat('projects/p/tasks/t/1/again.mp4')).resolves.toEqual({
      size: 'projects/p/tasks/t/1/again.mp4'.length,
    });
  });

  it('copies a file in with putFile and leaves the source where it was', async () => {
    const source = join(root, 'work.bin');
    await writeFile(source, Buffer.alloc(4096, 7));
    await expect(storage.putFile('k/work.bin', source)).resolves.toEqual({ size: 4096 });
    await expect(readFile(source)).resolves.toEqual(Buffer.alloc(4096, 7));
    // The stored copy is independent of the source.
    await writeFile(source, 'changed');
    expect(await readAll((await storage.get('k/work.bin')).stream)).toEqual(Buffer.alloc(4096, 7));
    await expect(storage.putFile('k/missing', join(root, 'nope'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await expect(storage.stat('k/missing')).resolves.toBeNull();
  });

  it('gives the real local path of a key', async () => {
    await storage.put('p/file.txt', Readable.from([Buffer.from('x')]));
    const linked = join(root, 'linked-root');
    await symlink(join(root, 'files'), linked);
    const path = await new LocalStorage(linked).localPath('p/file.txt', root);
    expect(path).toBe(join(root, 'files/p/file.txt'));
    await expect(readFile(path, 'utf8')).resolves.toBe('x');
  });

  it('refuses bad keys before touching the disk', async () => {
    const bad = [
      '',
      '/etc/passwd',
      '../outside',
      'a/../../b',
      'a/./b',
      'a//b',
      'a/',
      'a\0b',
      'a\\b',
      'C:/x',
      '.tmp/x',
      'a/.hidden',
    ];
    for (const key of bad) {
      await expect(storage.put(key, Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(
        InvalidStorageKeyError,
      );
      await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
    await expect(storage.deletePrefix('')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.deletePrefix('/')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.deletePrefix('../')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.putFile('../x', __filename)).rejects.toBeInstanceOf(
      InvalidStorageKeyError,
    );
    // Not even the root was created.
    await expect(readdir(root)).resolves.toEqual([]);
  });

  it('leaves no trace of a put whose body fails half way', async () => {
    await storage.put('k/v', Readable.from([Buffer.from('old')]));
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('partial');
        throw new Error('connection reset');
      })(),
    );
    await expect(storage.put('k/v', failing)).rejects.toThrow('connection reset');
    expect((await readAll((await storage.get('k/v')).stream)).toString()).toBe('old');
    await expect(readdir(join(root, 'files/.tmp'))).resolves.toEqual([]);
  });

  it('never shows a reader half a file while a put is in flight', async () => {
    await storage.put('k/v', Readable.from([Buffer.from('version one')]));
    const writing = storage.put(
      'k/v',
      slowBody([Buffer.from('version '), Buffer.from('two, '), Buffer.from('longer')], 30),
    );
    await sleep(45);
    // Mid-write, the old whole file is what a reader gets.
    expect((await readAll((await storage.get('k/v')).stream)).toString()).toBe('version one');
    await writing;
    expect((await readAll((await storage.get('k/v')).stream)).toString()).toBe(
      'version two, longer',
    );
  });

  it('leaves exactly one whole file when puts of the same key race', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) =>
      Array.from({ length: 5 + i }, () => Buffer.alloc(64 * 1024, i)),
    );
    await Promise.all(bodies.map((chunks) => storage.put('race/same-key', slowBody(chunks, 2))));
    const stored = await readAll((await storage.get('race/same-key')).stream);
    const winner = stored[0]!;
    expect(stored).toEqual(Buffer.concat(bodies[winner]!));
    await expect(readdir(join(root, 'files/.tmp'))).resolves.toEqual([]);
  });

  it('streams 200 MB in and out without holding it in memory', async () => {
    const chunkSize = 64 * 1024;
    const chunks = (200 * 1024 * 1024) / chunkSize;
    const before = process.memoryUsage();
    let peakHeap = 0;
    let peakTotal = 0;
    const sample = () => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed - before.heapUsed);
      peakTotal = Math.max(
        peakTotal,
        now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers,
      );
    };
    const written = createHash('sha256');
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < chunks; i++) {
          // Made on demand: the test never holds the whole body either.
          const chunk = Buffer.allocUnsafe(chunkSize).fill(i % 251);
          written.update(chunk);
          if (i % 64 === 0) sample();
          yield chunk;
        }
      })(),
    );
    await expect(storage.put('big/200mb.bin', body)).resolves.toEqual({ size: 200 * 1024 * 1024 });

    const read = createHash('sha256');
    const object = await storage.get('big/200mb.bin');
    expect(object.size).toBe(200 * 1024 * 1024);
    let i = 0;
    for await (const chunk of object.stream) {
      read.update(chunk as Buffer);
      if (i++ % 64 === 0) sample();
    }
    sample();
    expect(read.digest('hex')).toBe(written.digest('hex'));
    expect(peakHeap).toBeLessThan(50 * 1024 * 1024);
    // Buffers live outside the JS heap: bound them too, well below the file's size.
    expect(peakTotal).toBeLessThan(120 * 1024 * 1024);
  });
});

describe('LocalStorage.sweepPartialWrites', () => {
  const GRACE_MS = 15 * 60_000;
  let root: string;
  let temp: string;
  let storage: LocalStorage;

  /** A temp file as a put of a process killed mid-write leaves it, last written `ago` ms before now. */
  async function leftBehind(name: string, ago: number): Promise<string> {
    const path = join(temp, name);
    await writeFile(path, 'partial');
    const at = new Date(Date.now() - ago);
    await utimes(path, at, at);
    return path;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mediaflow-storage-'));
    temp = join(root, 'files', '.tmp');
    await mkdir(temp, { recursive: true });
    storage = new LocalStorage(join(root, 'files'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('removes partial writes untouched past the grace, keeps recent ones and stored files', async () => {
    await storage.put('projects/prj_1/files/file_1/upload', Readable.from([Buffer.from('whole')]));
    const dead = await leftBehind('dead', GRACE_MS + 60_000);
    await leftBehind('recent', GRACE_MS - 60_000);

    await expect(storage.sweepPartialWrites(GRACE_MS)).resolves.toEqual([dead]);
    expect(await readdir(temp)).toEqual(['recent']);
    expect(await storage.stat('projects/prj_1/files/file_1/upload')).toEqual({ size: 5 });
  });

  it('keeps its own write under way, however long since its last byte', async () => {
    const chunks = new PassThrough();
    const writing = storage.put('k/slow', chunks);
    chunks.write(Buffer.from('first bytes'));
    let name: string | undefined;
    while (!name) {
      await sleep(10);
      [name] = await readdir(temp);
    }
    // Swept as if an hour had passed since the last byte: still its own.
    await expect(storage.sweepPartialWrites(GRACE_MS, Date.now() + 60 * 60_000)).resolves.toEqual(
      [],
    );
    // Another instance (another process or replica) judges it by its age alone.
    const other = new LocalStorage(join(root, 'files'));
    await expect(other.sweepPartialWrites(GRACE_MS)).resolves.toEqual([]);
    await expect(other.sweepPartialWrites(GRACE_MS, Date.now() + 60 * 60_000)).resolves.toEqual([
      join(temp, name),
    ]);
    chunks.end();
    await writing.catch(() => undefined);
  });
});
