// The layering of docs/architecture.md, as lint rules: what each part of the
// tree may import. ESLint's flat config does not merge one rule's options
// across blocks (the last block that matches a file wins), so every block
// here carries the whole list for its part of the tree.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Folder name → package name of every app, so a new app is covered without an edit here. */
function appPackages() {
  const apps = path.join(root, 'apps');
  return fs
    .readdirSync(apps)
    .filter((dir) => fs.existsSync(path.join(apps, dir, 'package.json')))
    .map((dir) => ({
      dir,
      name: JSON.parse(fs.readFileSync(path.join(apps, dir, 'package.json'), 'utf8')).name,
    }));
}

const COMPOSITION_ROOT = 'all-in-one';

/** Relative imports stay inside their own package: another package is reached by its name. */
const leaveThePackage = {
  group: ['../../**/packages/**', '../../**/apps/**', '../../**/tests/**', '../../**/bench/**'],
  message: 'Import another workspace package by its name, not by a relative path.',
};

const otherApps = (self) =>
  appPackages()
    .filter((app) => app.dir !== self)
    .map((app) => app.name);

/** The blocks: each names its files and everything they may not import. */
export function importBoundaries() {
  const blocks = [
    {
      files: ['packages/contracts/**/*.ts'],
      patterns: [
        {
          group: ['@mediaflow/*'],
          message: 'contracts is the bottom layer: it imports nothing of ours.',
        },
      ],
    },
    {
      files: ['packages/workflow/**/*.ts'],
      patterns: [
        {
          group: ['@mediaflow/*', '!@mediaflow/contracts'],
          message: 'workflow is pure: it imports only @mediaflow/contracts.',
        },
      ],
    },
    {
      // Packages serve apps, never the other way round.
      files: ['packages/**/*.ts'],
      ignores: ['packages/contracts/**', 'packages/workflow/**'],
      patterns: [
        {
          group: appPackages().map((app) => app.name),
          message: 'A package never imports an app.',
        },
      ],
    },
    ...appPackages()
      .filter((app) => app.dir !== COMPOSITION_ROOT)
      .map((app) => ({
        files: [`apps/${app.dir}/**/*.ts`],
        patterns: [
          {
            group: otherApps(app.dir),
            message: 'Apps never import each other; only apps/all-in-one composes them.',
          },
          ...(app.dir === 'scheduler'
            ? [
                {
                  group: ['@mediaflow/media', '@mediaflow/speech', '@mediaflow/worker-kit'],
                  message:
                    'The scheduler decides; it never runs media tools (those are the workers’).',
                },
              ]
            : []),
        ],
      })),
    {
      files: [`apps/${COMPOSITION_ROOT}/**/*.ts`],
      patterns: [
        {
          group: otherApps(COMPOSITION_ROOT).map((name) => `${name}/*`),
          message: 'The all-in-one takes an app only through its root module (its package index).',
        },
      ],
    },
  ];
  return blocks.map(({ files, ignores, patterns }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [...patterns, leaveThePackage] },
      ],
    },
  }));
}
