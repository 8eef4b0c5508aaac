// The import boundaries of docs/architecture.md are lint rules
// (eslint/import-boundaries.mjs). These tests lint small sources as if they
// stood at a path of the tree, so a rule that stops matching fails here and
// not only when a reviewer notices.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { importBoundaries } from '../../../eslint/import-boundaries.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { '@typescript-eslint': tseslint.plugin },
    },
    ...importBoundaries(),
  ],
});

/** The messages of the boundary rule for `source` placed at `file`. */
async function boundaryMessages(file, source) {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return result.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

const refused = [
  ['packages/contracts/src/x.ts', "import { planRun } from '@mediaflow/workflow';", /contracts/],
  ['packages/contracts/src/x.ts', "import { z } from '@mediaflow/config';", /contracts/],
  [
    'packages/workflow/src/x.ts',
    "import { probe } from '@mediaflow/media';",
    /only @mediaflow\/contracts/,
  ],
  [
    'packages/workflow/src/run/x.ts',
    "import type { Storage } from '@mediaflow/storage';",
    /workflow/,
  ],
  [
    'packages/media/src/x.ts',
    "import { startScheduler } from '@mediaflow/scheduler';",
    /never imports an app/,
  ],
  [
    'apps/gateway/src/x.ts',
    "import { startScheduler } from '@mediaflow/scheduler';",
    /never import each other/,
  ],
  [
    'apps/worker-video/src/x.ts',
    "import { startWorkerImage } from '@mediaflow/worker-image';",
    /never import each other/,
  ],
  [
    'apps/scheduler/src/runs/x.ts',
    "import { probeMedia } from '@mediaflow/media';",
    /never runs media tools/,
  ],
  [
    'apps/scheduler/src/x.ts',
    "import { transcribe } from '@mediaflow/speech';",
    /never runs media tools/,
  ],
  [
    'apps/all-in-one/src/x.ts',
    "import { x } from '@mediaflow/gateway/dist/config';",
    /root module/,
  ],
  [
    'apps/gateway/src/x.ts',
    "import { x } from '../../../packages/storage/src/storage';",
    /by its name/,
  ],
];

const allowed = [
  ['packages/workflow/src/x.ts', "import { MediaflowError } from '@mediaflow/contracts';"],
  ['packages/contracts/src/kinds/x.ts', "import { z } from 'zod';"],
  ['packages/contracts/src/kinds/x.ts', "import { common } from './common';"],
  ['apps/all-in-one/src/x.ts', "import { startGateway } from '@mediaflow/gateway';"],
  ['apps/scheduler/src/x.ts', "import { planRun } from '@mediaflow/workflow';"],
  ['apps/worker-video/src/x.ts', "import { runFfmpeg } from '@mediaflow/media';"],
  ['apps/worker-video/src/video/x.ts', "import { videoPlan } from '../video/video-plan';"],
  ['packages/worker-kit/src/x.ts', "import { createStorage } from '@mediaflow/storage';"],
];

describe('import boundaries', () => {
  for (const [file, source, reason] of refused) {
    it(`refuses in ${file}: ${source}`, async () => {
      const messages = await boundaryMessages(file, source);
      assert.equal(messages.length, 1, `expected one refusal, got ${JSON.stringify(messages)}`);
      assert.match(messages[0], reason);
    });
  }
  for (const [file, source] of allowed) {
    it(`allows in ${file}: ${source}`, async () => {
      assert.deepEqual(await boundaryMessages(file, source), []);
    });
  }
  it('covers every app, so a new one is held to the rule without an edit', async () => {
    const apps = [
      'gateway',
      'automation-registry',
      'scheduler',
      'worker-video',
      'worker-image',
      'worker-subtitles',
      'worker-summary',
    ];
    for (const app of apps) {
      const other = app === 'gateway' ? 'scheduler' : 'gateway';
      const messages = await boundaryMessages(
        `apps/${app}/src/x.ts`,
        `import { x } from '@mediaflow/${other}';`,
      );
      assert.equal(messages.length, 1, `${app} may import ${other}`);
    }
  });
});
