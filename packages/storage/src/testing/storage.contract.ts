import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidStorageKeyError } from '../key-validation';
import { type Storage, StorageNotFoundError } from '../storage';

export interface ContractSubject {
  storage: Storage;
  /** Removes what the subject made (its directory, its bucket prefix's objects). */
  cleanup(): Promise<void>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const text = async (storage: Storage, key: string, range?: { start: number; end?: number }) =>
  (await readAll((await storage.get(key, range)).stream)).toString();

const body = (...parts: string[]) => Readable.from(parts.map((part) => Buffer.from(part)));

/**
 * What every Storage driver promises (storage.ts), run against each driver
 * from its own spec, so the services behave the same whichever is configured.
 * `subject` makes a fresh, empty storage for each test.
 */
export function storageContract(name: string, subject: () => Promise<ContractSubject>): void {
  describe(`${name} meets the Storage contract`, () => {
    let storage: Storage;
    let current: ContractSubject;
    let scratch: string;

    beforeEach(async () => {
      current = await subject();
      storage = current.storage;
      scratch = await mkdtemp(join(tmpdir(), 'mediaflow-contract-'));
    });

    afterEach(async () => {
      await current.cleanup();
      await rm(scratch, { recursive: true, force: true });
    });

    it('puts a stream under a nested key and gets it back whole, with its size', async () => {
      await expect(
        storage.put('projects/p/files/f/hello.txt', body('hello ', 'world')),
      ).resolves.toEqual({ size: 11 });
      const object = await storage.get('projects/p/files/f/hello.txt');
      expect(object.size).toBe(11);
      expect((await readAll(object.stream)).toString()).toBe('hello world');
    });

    it('stores an empty body, and keys with spaces and non-ASCII names', async () => {
      await expect(storage.put('e/empty', Readable.from([]))).resolves.toEqual({ size: 0 });
      const empty = await storage.get('e/empty');
      expect(empty.size).toBe(0);
      expect(await readAll(empty.stream)).toEqual(Buffer.alloc(0));
      await storage.put('e/café ☕ (1)+%20.png', body('bytes'));
      await expect(text(storage, 'e/café ☕ (1)+%20.png')).resolves.toBe('bytes');
      await expect(storage.stat('e/café ☕ (1)+%20.png')).resolves.toEqual({ size: 5 });
      await expect(storage.stat('e/café ☕ (1)+ .png')).resolves.toBeNull();
    });

    it('replaces an object put again under the same key', async () => {
      await storage.put('k/v', body('a longer first version'));
      await storage.put('k/v', body('second'));
      await expect(text(storage, 'k/v')).resolves.toBe('second');
      await expect(storage.stat('k/v')).resolves.toEqual({ size: 6 });
    });

    it('serves inclusive byte ranges and always reports the whole size', async () => {
      await storage.put('a/digits', body('0123', '456789'));
      const first = await storage.get('a/digits', { start: 0, end: 3 });
      expect(first.size).toBe(10);
      expect((await readAll(first.stream)).toString()).toBe('0123');
      const middle = await storage.get('a/digits', { start: 2, end: 5 });
      expect(middle.size).toBe(10);
      expect((await readAll(middle.stream)).toString()).toBe('2345');
      // No end: to the end of the object.
      const open = await storage.get('a/digits', { start: 7 });
      expect(open.size).toBe(10);
      expect((await readAll(open.stream)).toString()).toBe('789');
      await expect(text(storage, 'a/digits', { start: 0, end: 0 })).resolves.toBe('0');
      await expect(text(storage, 'a/digits', { start: 9 })).resolves.toBe('9');
      // An end past the object is cut to it, as HTTP does.
      await expect(text(storage, 'a/digits', { start: 8, end: 1000 })).resolves.toBe('89');
    });

    it('refuses a range that starts at or past the end, or ends before it starts', async () => {
      await storage.put('a/digits', body('0123456789'));
      await expect(storage.get('a/digits', { start: 10 })).rejects.toThrow(RangeError);
      await expect(storage.get('a/digits', { start: 50, end: 60 })).rejects.toThrow(RangeError);
      await expect(storage.get('a/digits', { start: 5, end: 4 })).rejects.toThrow(RangeError);
      await expect(storage.get('a/digits', { start: -1 })).rejects.toThrow(RangeError);
      await storage.put('a/empty', Readable.from([]));
      await expect(storage.get('a/empty', { start: 0 })).rejects.toThrow(RangeError);
      // The object is still there, whole.
      await expect(text(storage, 'a/digits')).resolves.toBe('0123456789');
    });

    it('stats objects: their size, or null for a missing key or a "directory"', async () => {
      await storage.put('x/one.bin', Readable.from([Buffer.alloc(1234, 1)]));
      await expect(storage.stat('x/one.bin')).resolves.toEqual({ size: 1234 });
      await expect(storage.stat('x/none.bin')).resolves.toBeNull();
      await expect(storage.stat('x')).resolves.toBeNull();
    });

    it('deletes a key; deleting a missing key is fine', async () => {
      await storage.put('x/one.bin', body('1'));
      await storage.put('x/two.bin', body('2'));
      await storage.delete('x/one.bin');
      await expect(storage.stat('x/one.bin')).resolves.toBeNull();
      await expect(storage.stat('x/two.bin')).resolves.toEqual({ size: 1 });
      await expect(storage.delete('x/one.bin')).resolves.toBeUndefined();
      await expect(storage.delete('never/was/here')).resolves.toBeUndefined();
    });

    it('deletes everything under a prefix, ending at a segment, and nothing beside it', async () => {
      const put = (key: string) => storage.put(key, body(key));
      await put('projects/p/tasks/t/1/out.mp4');
      await put('projects/p/tasks/t/1/sprite/0.jpg');
      await put('projects/p/tasks/t/2/out.mp4');
      await put('projects/p/tasks/t/10/out.mp4');
      await put('projects/p/tasks/t/1.txt');
      await storage.deletePrefix('projects/p/tasks/t/1/');
      await expect(storage.stat('projects/p/tasks/t/1/out.mp4')).resolves.toBeNull();
      await expect(storage.stat('projects/p/tasks/t/1/sprite/0.jpg')).resolves.toBeNull();
      await expect(storage.stat('projects/p/tasks/t/10/out.mp4')).resolves.not.toBeNull();
      await expect(storage.stat('projects/p/tasks/t/1.txt')).resolves.not.toBeNull();
      await expect(storage.stat('projects/p/tasks/t/2/out.mp4')).resolves.not.toBeNull();
      // Without the trailing slash it means the same.
      await storage.deletePrefix('projects/p/tasks/t/2');
      await expect(storage.stat('projects/p/tasks/t/2/out.mp4')).resolves.toBeNull();
      await expect(storage.deletePrefix('projects/p/tasks/nothing/')).resolves.toBeUndefined();
      await put('projects/p/tasks/t/1/again.mp4');
      await expect(text(storage, 'projects/p/tasks/t/1/again.mp4')).resolves.toBe(
        'projects/p/tasks/t/1/again.mp4',
      );
    });

    it('copies a file in with putFile and leaves the source as it was', async () => {
      const source = join(scratch, 'work.bin');
      const bytes = Buffer.alloc(300_000, 7);
      bytes.write('start');
      await writeFile(source, bytes);
      await expect(storage.putFile('k/work.bin', source)).resolves.toEqual({ size: 300_000 });
      await expect(readFile(source)).resolves.toEqual(bytes);
      await writeFile(source, 'changed');
      expect(await readAll((await storage.get('k/work.bin')).stream)).toEqual(bytes);
    });

    it('fails putFile of a missing file with ENOENT and stores nothing', async () => {
      await expect(storage.putFile('k/missing', join(scratch, 'nope'))).rejects.toMatchObject({
        code: 'ENOENT',
      });
      await expect(storage.stat('k/missing')).resolves.toBeNull();
    });

    it('gives a local path holding the bytes, for tools that need a file', async () => {
      await storage.put('p/clip.mp4', body('not really a video'));
      const path = await storage.localPath('p/clip.mp4', scratch);
      // The extension is kept: tools go by it.
      expect(path.endsWith('.mp4')).toBe(true);
      await expect(readFile(path, 'utf8')).resolves.toBe('not really a video');
    });

    it('reports a missing key as StorageNotFoundError', async () => {
      await storage.put('x/here', body('x'));
      await expect(storage.get('x/gone')).rejects.toBeInstanceOf(StorageNotFoundError);
      await expect(storage.get('x/gone', { start: 0 })).rejects.toBeInstanceOf(
        StorageNotFoundError,
      );
      await expect(storage.get('x')).rejects.toBeInstanceOf(StorageNotFoundError);
      await expect(storage.localPath('x/gone', scratch)).rejects.toBeInstanceOf(
        StorageNotFoundError,
      );
    });

    it('keeps the old object when a put fails half way', async () => {
      await storage.put('k/v', body('old'));
      const failing = Readable.from(
        (async function* () {
          yield Buffer.from('partial');
          throw new Error('connection reset');
        })(),
      );
      await expect(storage.put('k/v', failing)).rejects.toThrow('connection reset');
      await expect(text(storage, 'k/v')).resolves.toBe('old');
      await expect(
        storage.put(
          'k/new',
          Readable.from(
            (async function* () {
              yield Buffer.from('partial');
              throw new Error('connection reset');
            })(),
          ),
        ),
      ).rejects.toThrow('connection reset');
      await expect(storage.stat('k/new')).resolves.toBeNull();
    });

    it('refuses keys that could escape or are not plain relative paths', async () => {
      for (const key of ['', '/etc/passwd', '../outside', 'a/../../b', 'a//b', 'a/', '.hidden']) {
        await expect(storage.put(key, body('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      }
      await expect(storage.deletePrefix('')).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.deletePrefix('../')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    });
  });
}
