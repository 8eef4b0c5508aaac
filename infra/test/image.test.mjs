// What goes into an image, checked without a Docker daemon: the build
// context leaves secrets and local state out, and each app's deploy step
// (`pnpm deploy`, which packs by package.json `files`) takes its build only.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/built.mjs';

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
    '.git',
  ]) {
    it(`leaves out ${pattern}`, () => {
      assert.ok(ignored.includes(pattern), `.dockerignore has no ${pattern}`);
    });
  }
});

describe("each app's deployed files", () => {
  for (const app of readdirSync(path.join(REPO, 'apps'))) {
    it(`${app} deploys its build only`, () => {
      const pkg = JSON.parse(readFileSync(path.join(REPO, 'apps', app, 'package.json'), 'utf8'));
      assert.deepEqual(pkg.files, ['dist']);
      assert.match(pkg.main ?? 'dist/main.js', /^dist\//);
    });
  }
});
