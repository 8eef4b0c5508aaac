import { ALL_APPS, client, Fixtures, FixtureServer, System } from '@mediaflow/testing';
import { probeMedia } from '@mediaflow/media';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// The `mediaflow` CLI (apps/cli, issue 15) end to end: its built binary
// against the whole product, every app a separate process, as a person or a
// CI job would use it. The last block runs it in a real terminal (tmux) to
// see the progress bars.

const CLI = path.resolve(__dirname, '../../../apps/cli/dist/main.js');
/** The README's seed automations, as files kept in git. */
const EXAMPLES = path.resolve(__dirname, '../../../examples/automations');
const execFileAsync = promisify(execFile);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI, like a CI job runs it: no terminal, so plain progress lines and no prompt. */
function mediaflow(
  args: string[],
  env: Record<string, string | undefined>,
  cwd?: string,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const VIDEO_WORKFLOW = `
name: CLI video
description: A small web copy with scrubbing thumbnails, its sound, a frame and an NSFW check
workflow:
  - kind: video
    width: 320
    ref: web
    next:
      - kind: thumbnails
        count: 4
        ref: scrub
  - kind: audio
    format: mp3
    ref: sound
  - kind: image
    format: jpeg
  - kind: nsfw
    frames: 2
`;

/** Each step's label, as the bars and --out name them. */
const STEPS = ['web', 'scrub', 'sound', 'image-1', 'nsfw-1'];

const probe = (file: string) => probeMedia(file, { maxInputPixels: 100_000_000 });

describe('the mediaflow CLI', () => {
  const fixtures = new Fixtures();
  const home = mkdtempSync(path.join(tmpdir(), 'mediaflow-cli-home-'));
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;
  /** Server and key from the environment, as in CI. */
  let env: Record<string, string>;

  beforeAll(async () => {
    await fixtures.video('clip.mp4', 640, 360, 3);
    await fixtures.video('silent.mp4', 320, 240, 2, { audio: false });
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' });
    api = client(system.baseUrl, system.adminKey);
    env = {
      HOME: home,
      MEDIAFLOW_URL: system.baseUrl,
      MEDIAFLOW_API_KEY: system.adminKey,
    };
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
    rmSync(home, { recursive: true, force: true });
  });

  describe('login', () => {
    it('checks the key, then writes the config readable by its owner only (0600), under XDG_CONFIG_HOME', async () => {
      const xdg = mkdtempSync(path.join(tmpdir(), 'mediaflow-cli-xdg-'));
      try {
        const login = await mediaflow(
          ['login', '--url', `${system.baseUrl}/`, '--key', system.adminKey, '--json'],
          { HOME: home, XDG_CONFIG_HOME: xdg },
        );
        expect(login).toMatchObject({ code: 0, stderr: '' });
        const configPath = path.join(xdg, 'mediaflow', 'config.json');
        expect(JSON.parse(login.stdout)).toEqual({
          url: system.baseUrl,
          config_path: configPath,
        });
        expect(statSync(configPath).mode & 0o777).toBe(0o600);
        expect(statSync(path.dirname(configPath)).mode & 0o777).toBe(0o700);
        expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({
          url: system.baseUrl,
          api_key: system.adminKey,
        });

        // The other commands use it, with nothing in the environment.
        const list = await mediaflow(['automations', 'list', '--json'], {
          HOME: home,
          XDG_CONFIG_HOME: xdg,
        });
        expect(list.code).toBe(0);
        expect(JSON.parse(list.stdout)).toMatchObject({ object: 'list' });

        // MEDIAFLOW_API_KEY overrides the saved key: a wrong one is refused by the API (1).
        const overridden = await mediaflow(['automations', 'list'], {
          HOME: home,
          XDG_CONFIG_HOME: xdg,
          MEDIAFLOW_API_KEY: 'mf_wrong',
        });
        expect(overridden.code).toBe(1);
        expect(overridden.stderr).toMatch(/\(unauthorized, HTTP 401\)/);
      } finally {
        rmSync(xdg, { recursive: true, force: true });
      }
    });

    it('keeps it in ~/.config without XDG_CONFIG_HOME; a wrong key is refused and nothing is written', async () => {
      const ownHome = mkdtempSync(path.join(tmpdir(), 'mediaflow-cli-home-'));
      try {
        const refused = await mediaflow(
          ['login', '--url', system.baseUrl, '--key', 'mf_not_a_key'],
          { HOME: ownHome },
        );
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('unauthorized');
        expect(readdirSync(ownHome)).toEqual([]);

        const login = await mediaflow(
          ['login', '--url', system.baseUrl, '--key', system.adminKey],
          {
            HOME: ownHome,
          },
        );
        expect(login.code).toBe(0);
        const configPath = path.join(ownHome, '.config', 'mediaflow', 'config.json');
        expect(login.stdout).toContain(`Saved in ${configPath}`);
        expect(statSync(configPath).mode & 0o777).toBe(0o600);
      } finally {
        rmSync(ownHome, { recursive: true, force: true });
      }
    });

    it('with no server configured, says how to log in: a usage error (2)', async () => {
      const result = await mediaflow(['tasks', 'list'], { HOME: home });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('mediaflow login --url');
    });
  });

  describe('automations apply', () => {
    const dir = () => fixtures.dir;

    it('creates from a file, showing the diff; applied again, it finds no change', async () => {
      const file = fixtures.write(
        'thumbs.yaml',
        'name: CLI thumbs\nworkflow:\n  - kind: image\n    width: 320\n    format: png\n    ref: thumb\n',
      );
      const first = await mediaflow(['automations', 'apply', '-f', file, '--yes'], env, dir());
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('+ CLI thumbs: will be created  [thumbs.yaml]');
      expect(first.stdout).toContain(
        '+  - kind: image\n+    ref: thumb\n+    options:\n+      format: png\n+      width: 320\n',
      );
      expect(first.stdout).toContain('Plan: 1 to create, 0 to update, 0 unchanged.');
      expect(first.stdout).toMatch(/Created CLI thumbs \(auto_\w+\)\./);

      const second = await mediaflow(
        ['automations', 'apply', '-f', file, '--yes', '--json'],
        env,
        dir(),
      );
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(
        /^= CLI thumbs \(auto_\w+\): no change {2}\[thumbs\.yaml\]\nPlan: 0 to create, 0 to update, 1 unchanged\.\n$/,
      );
      const applied = JSON.parse(second.stdout);
      expect(applied).toEqual([
        expect.objectContaining({ action: 'unchanged', source: 'thumbs.yaml' }),
      ]);

      const named = await api('GET', '/automations?limit=100');
      expect(named.body.data.filter((a: any) => a.name === 'CLI thumbs')).toHaveLength(1);
    });

    it("applies the README's seed automations from examples/automations, once", async () => {
      const first = await mediaflow(['automations', 'apply', '-f', EXAMPLES, '--yes'], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('Plan: 3 to create, 0 to update, 0 unchanged.');
      const again = await mediaflow(['automations', 'apply', '-f', EXAMPLES, '--yes'], env);
      expect(again.code).toBe(0);
      expect(again.stdout + again.stderr).toContain('Plan: 0 to create, 0 to update, 3 unchanged.');
      for (const name of ['Process uploads', 'Social', 'Short video']) {
        const named = await api('GET', `/automations?name=${encodeURIComponent(name)}`);
        expect(named.body.data).toHaveLength(1);
      }
    });

    it('an edited file shows what changes, asks (a usage error with no terminal and no --yes), then updates', async () => {
      const file = fixtures.write(
        'edit.yaml',
        'name: CLI edit\ndescription: first\nworkflow:\n  - kind: image\n    width: 320\n',
      );
      expect((await mediaflow(['automations', 'apply', '-f', file, '--yes'], env)).code).toBe(0);
      writeFileSync(
        file,
        'name: CLI edit\ndescription: second\nworkflow:\n  - kind: image\n    width: 480\n',
      );

      const dryRun = await mediaflow(['automations', 'apply', '-f', file, '--dry-run'], env);
      expect(dryRun.code).toBe(0);
      const diff = '-description: first\n+description: second\n';
      expect(dryRun.stdout).toContain(diff);
      expect(dryRun.stdout).toContain('-      width: 320\n+      width: 480\n');
      expect(dryRun.stdout).toMatch(
        /~ CLI edit \(auto_\w+\): will be updated \(description, workflow\)/,
      );

      const unasked = await mediaflow(['automations', 'apply', '-f', file], env);
      expect(unasked.code).toBe(2);
      expect(unasked.stderr).toContain('pass --yes');
      const id = (await api('GET', '/automations?limit=100')).body.data.find(
        (a: any) => a.name === 'CLI edit',
      ).id;
      expect((await api('GET', `/automations/${id}`)).body.description).toBe('first');

      const applied = await mediaflow(['automations', 'apply', '-f', file, '--yes'], env);
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain(diff);
      expect(applied.stdout).toContain(`Updated CLI edit (${id}).`);
      const after = (await api('GET', `/automations/${id}`)).body;
      expect(after).toMatchObject({
        description: 'second',
        workflow: [{ kind: 'image', options: { width: 480 } }],
      });
    });

    it('refuses a name two automations share, naming both, and changes nothing (1)', async () => {
      const ids: string[] = [];
      for (const description of ['one', 'two']) {
        const created = await api('POST', '/automations', {
          body: { name: 'CLI twins', description, workflow: [{ kind: 'nsfw' }] },
        });
        expect(created.status).toBe(201);
        ids.push(created.body.id);
      }
      const file = fixtures.write(
        'twins.json',
        JSON.stringify({ name: 'CLI twins', workflow: [{ kind: 'summary' }] }),
      );
      const result = await mediaflow(['automations', 'apply', '-f', file, '--yes'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /2 automations are named "CLI twins" \(auto_\w+, auto_\w+\): apply cannot tell which one to update/,
      );
      for (const id of ids) expect(result.stderr).toContain(id);
      for (const id of ids) {
        expect((await api('GET', `/automations/${id}`)).body.workflow).toEqual([{ kind: 'nsfw' }]);
      }
    });

    it('a bad file is refused before anything is sent, with every problem and its path (1)', async () => {
      const file = fixtures.write(
        'bad.yaml',
        'name: CLI bad\nworkflow:\n  - kind: video\n    width: 8000\n',
      );
      const result = await mediaflow(['automations', 'apply', '-f', file, '--yes'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'bad.yaml: The request is invalid\n  workflow[0].options.width: must be ≤ 7680',
      );
    });

    it('get prints YAML that apply takes back unchanged; pause and resume by name', async () => {
      const file = fixtures.write(
        'roundtrip.yaml',
        VIDEO_WORKFLOW.replace('CLI video', 'CLI roundtrip'),
      );
      expect((await mediaflow(['automations', 'apply', '-f', file, '--yes'], env)).code).toBe(0);
      const got = await mediaflow(['automations', 'get', 'CLI roundtrip'], env);
      expect(got.code).toBe(0);
      const back = fixtures.write('back.yaml', got.stdout);
      const again = await mediaflow(['automations', 'apply', '-f', back, '--yes'], env);
      expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.');

      const paused = await mediaflow(['automations', 'pause', 'CLI roundtrip', '--json'], env);
      expect(JSON.parse(paused.stdout)).toMatchObject({ name: 'CLI roundtrip', status: 'paused' });
      // A file without a status leaves a pause made by hand alone.
      const kept = await mediaflow(['automations', 'apply', '-f', file, '--yes'], env);
      expect(kept.stdout).toContain('1 unchanged');
      const resumed = await mediaflow(['automations', 'resume', 'CLI roundtrip', '--json'], env);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'active' });

      const deleted = await mediaflow(['automations', 'delete', 'CLI roundtrip', '--json'], env);
      expect(JSON.parse(deleted.stdout)).toMatchObject({ object: 'automation', deleted: true });
    });
  });

  describe('run', () => {
    beforeAll(async () => {
      const file = fixtures.write('video.yaml', VIDEO_WORKFLOW);
      const applied = await mediaflow(['automations', 'apply', '-f', file, '--yes'], env);
      expect(applied.code).toBe(0);
      const audio = fixtures.write(
        'audio.yaml',
        'name: CLI sound only\nworkflow:\n  - kind: audio\n    ref: sound\n',
      );
      expect((await mediaflow(['automations', 'apply', '-f', audio, '--yes'], env)).code).toBe(0);
    }, 60_000);

    it('uploads ./clip.mp4, follows the run and downloads every output named by its step', async () => {
      const out = path.join(fixtures.dir, 'out');
      const result = await mediaflow(
        ['run', 'CLI video', './clip.mp4', '--wait', '--out', out],
        env,
        fixtures.dir,
      );
      expect(result.stderr).not.toContain('mediaflow:');
      expect(result.code).toBe(0);
      // No terminal: plain lines, one per step as it ends.
      expect(result.stderr).toContain('uploading clip.mp4');
      for (const label of STEPS)
        expect(result.stderr).toMatch(new RegExp(`^ *${label}: completed$`, 'm'));
      expect(result.stdout).toMatch(/^Run task_\w+ completed in .*: 5 completed\.$/m);

      const saved = readdirSync(out).sort();
      const sprite = saved.find((name) => /^scrub-.+\.(jpe?g|webp)$/.test(name));
      expect(sprite).toBeDefined();
      expect(saved).toEqual(
        ['image-1.jpg', 'nsfw-1.json', 'scrub.vtt', sprite, 'sound.mp3', 'web.mp4'].sort(),
      );
      for (const name of saved) expect(result.stdout).toContain(`saved out/${name} (`);

      expect(await probe(path.join(out, 'web.mp4'))).toMatchObject({
        kind: 'video',
        width: 320,
        height: 180,
      });
      expect(await probe(path.join(out, 'sound.mp3'))).toMatchObject({
        kind: 'audio',
        format: 'mp3',
      });
      expect(await probe(path.join(out, 'image-1.jpg'))).toMatchObject({
        kind: 'image',
        format: 'jpeg',
      });
      expect(await probe(path.join(out, sprite!))).toMatchObject({ kind: 'image' });
      expect(JSON.parse(readFileSync(path.join(out, 'nsfw-1.json'), 'utf8'))).toMatchObject({
        nsfw: false,
      });
      // The track points at the sheet saved beside it, not at a signed URL that expires.
      const vtt = readFileSync(path.join(out, 'scrub.vtt'), 'utf8');
      expect(vtt.startsWith('WEBVTT')).toBe(true);
      expect(vtt).toContain(`\n${sprite}#xywh=0,0,`);
      expect(vtt).not.toContain('http');
    }, 300_000);

    it('--json prints the run; a URL source is fetched by the server; tasks watch follows it', async () => {
      const started = await mediaflow(
        ['run', 'CLI sound only', files.url('clip.mp4'), '--json'],
        env,
      );
      expect(started.code).toBe(0);
      const run = JSON.parse(started.stdout);
      expect(run).toMatchObject({ object: 'task', kind: 'workflow' });

      const watched = await mediaflow(['tasks', 'watch', run.id, '--json'], env);
      expect(watched.code).toBe(0);
      expect(JSON.parse(watched.stdout)).toMatchObject({
        id: run.id,
        status: 'completed',
        progress: 100,
      });
      expect(watched.stderr).toMatch(/^sound: completed$/m);

      const got = await mediaflow(['tasks', 'get', run.id], env);
      expect(got.stdout).toMatch(new RegExp(`^${run.id} {2}workflow {2}completed {2}100%$`, 'm'));
      expect(got.stdout).toMatch(/^sound +audio +completed +file_\w+ /m);
      const listed = await mediaflow(['tasks', 'list', '--kind', 'workflow', '--json'], env);
      expect(JSON.parse(listed.stdout).data.map((t: any) => t.id)).toContain(run.id);
    }, 180_000);

    it('a run that fails exits 1, says why, and still prints the run with --json', async () => {
      const result = await mediaflow(
        ['run', 'CLI sound only', './silent.mp4', '--wait', '--json'],
        env,
        fixtures.dir,
      );
      expect(result.code).toBe(1);
      const run = JSON.parse(result.stdout);
      expect(run).toMatchObject({ status: 'failed', error: { code: 'no_audio_stream' } });
      expect(result.stderr).toMatch(/^sound: failed: .*\(no_audio_stream\)$/m);
      expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!)).toMatchObject({
        error: {
          code: 'failed',
          message: `run ${run.id} failed: ${run.error.message} (no_audio_stream)`,
        },
      });

      const retried = await mediaflow(['tasks', 'retry', run.id, '--wait'], env);
      expect(retried.code).toBe(1);
      expect(retried.stderr).toContain(`mediaflow: run ${run.id} failed`);
    }, 180_000);

    it('usage errors exit 2 before any request', async () => {
      const cases: string[][] = [
        [],
        ['bogus'],
        ['run'],
        ['run', 'CLI video'],
        ['run', 'CLI video', './no-such-file.mp4'],
        ['automations', 'apply'],
        ['tasks', 'list', '--status', 'sleeping'],
        ['files', 'list', '--unknown-flag'],
      ];
      for (const args of cases) {
        const result = await mediaflow(args, env, fixtures.dir);
        expect({ args, code: result.code }).toEqual({ args, code: 2 });
        expect(result.stderr).toContain('--help` for usage.');
      }
      const missing = await mediaflow(
        ['run', 'CLI video', './no-such-file.mp4'],
        env,
        fixtures.dir,
      );
      expect(missing.stderr).toContain(
        '"./no-such-file.mp4" is neither an http(s) URL nor a file here',
      );
    });

    it('an automation that does not exist is a failure (1), as an API refusal is', async () => {
      const result = await mediaflow(
        ['run', 'No such automation', './clip.mp4'],
        env,
        fixtures.dir,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no automation has the id or name "No such automation"');
      const refused = await mediaflow(['tasks', 'get', 'task_doesnotexist', '--json'], env);
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stderr)).toMatchObject({
        error: { code: 'not_found', status: 404 },
      });
    });
  });

  describe('files', () => {
    it('upload, list, get, download, rm; each --json parses', async () => {
      const uploaded = await mediaflow(
        ['files', 'upload', './clip.mp4', '--name', 'cli.mp4', '--json'],
        env,
        fixtures.dir,
      );
      expect(uploaded.code).toBe(0);
      const file = JSON.parse(uploaded.stdout);
      expect(file).toMatchObject({
        object: 'file',
        kind: 'video',
        filename: 'cli.mp4',
        width: 640,
      });

      const listed = JSON.parse(
        (await mediaflow(['files', 'list', '--kind', 'video', '--json'], env)).stdout,
      );
      expect(listed.data.map((f: any) => f.id)).toContain(file.id);
      expect(
        JSON.parse((await mediaflow(['files', 'get', file.id, '--json'], env)).stdout),
      ).toMatchObject({ id: file.id });

      const into = path.join(fixtures.dir, 'downloads') + '/';
      const downloaded = await mediaflow(['files', 'download', file.id, '-o', into], env);
      expect(downloaded.code).toBe(0);
      expect(readFileSync(path.join(into, 'cli.mp4'))).toEqual(fixtures.bytes('clip.mp4'));

      const removed = await mediaflow(['files', 'rm', file.id, '--json'], env);
      expect(JSON.parse(removed.stdout)).toEqual({ id: file.id, object: 'file', deleted: true });
      expect((await mediaflow(['files', 'get', file.id], env)).code).toBe(1);
    }, 120_000);
  });

  describe('help and completion', () => {
    it('--help shows examples; completion scripts for bash and zsh, from the same commands', async () => {
      const help = await mediaflow(['run', '--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
      expect(help.stdout).toContain(
        'mediaflow run "Short video" ./clip.mp4 --wait --out ./outputs',
      );

      const bash = await mediaflow(['completion', 'bash'], env);
      expect(bash.stdout).toContain(
        'complete -o bashdefault -o default -F _mediaflow_yargs_completions mediaflow',
      );
      const zsh = await mediaflow(['completion', 'zsh'], env);
      expect(zsh.stdout).toContain('compdef _mediaflow_yargs_completions mediaflow');

      const words = await mediaflow(['--get-yargs-completions', 'mediaflow', 'automations', ''], {
        ...env,
        SHELL: '/bin/bash',
      });
      expect(words.stdout.split('\n')).toEqual(
        expect.arrayContaining(['list', 'get', 'pause', 'resume', 'delete', 'apply']),
      );
    });
  });

  describe('doctor', () => {
    it('reports this machine (the image worker found beside the CLI); exit 1, and no more said, when a required tool is missing', async () => {
      const checked = await mediaflow(['doctor', '--json'], { HOME: home }, fixtures.dir);
      const report = JSON.parse(checked.stdout);
      expect(checked.code).toBe(report.exitCode);
      expect(report.kinds.map((k: any) => k.kind)).toEqual(
        expect.arrayContaining(['video', 'image', 'nsfw']),
      );
      expect(report.dependencies.find((d: any) => d.name === 'sharp')).toMatchObject({
        status: 'ok',
      });

      const broken = await mediaflow(
        ['doctor'],
        { HOME: home, FFMPEG_PATH: '/nonexistent/ffmpeg' },
        fixtures.dir,
      );
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/^ffmpeg +MISSING/m);
      expect(broken.stderr).toBe('');
    }, 120_000);
  });

  describe('in a terminal (tmux)', () => {
    const socket = `mediaflow-cli-e2e-${process.pid}`;
    const tmux = (...args: string[]) =>
      execFileAsync('tmux', ['-L', socket, ...args], { env: { ...process.env, ...env } });

    afterAll(async () => {
      await tmux('kill-server').catch(() => undefined);
    });

    it('shows a progress bar per step, each ending at 100 %', async () => {
      const command = `node ${CLI} run "CLI video" ./clip.mp4 --wait; echo "EXIT:$?"; sleep 600`;
      await tmux(
        'new-session',
        '-d',
        '-x',
        '120',
        '-y',
        '40',
        '-s',
        'cli',
        '-c',
        fixtures.dir,
        '-e',
        `HOME=${home}`,
        '-e',
        `MEDIAFLOW_URL=${system.baseUrl}`,
        '-e',
        `MEDIAFLOW_API_KEY=${system.adminKey}`,
        command,
      );
      let screen = '';
      const deadline = Date.now() + 240_000;
      while (!/EXIT:\d+/.test(screen) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        screen = (await tmux('capture-pane', '-p', '-t', 'cli')).stdout;
      }
      expect(screen).toMatch(/EXIT:0/);
      const lines = screen.split('\n');
      // The upload's bar, the run's, then one per step: each drawn in place, full, at 100 %.
      expect(lines.some((l) => /^upload clip\.mp4 █+ 100% /.test(l))).toBe(true);
      const bar = (label: string) =>
        lines.filter((l) => new RegExp(`^ *${label} +█{30} 100% completed$`).test(l));
      expect(bar('run')).toHaveLength(1);
      for (const label of STEPS)
        expect({ label, bars: bar(label) }).toEqual({ label, bars: [expect.any(String)] });
      // Bars, not the plain lines of a log.
      expect(screen).not.toMatch(/^ *web: completed$/m);
    }, 300_000);
  });
});
