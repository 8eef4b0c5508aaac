import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as browser from './browser';
import * as everything from './index';

/** The packages a browser bundle of the contracts may pull in: zod, and nothing of Node. */
const ALLOWED_PACKAGES = new Set(['zod']);

/** The modules a file imports at run time (`import type` is erased), by specifier. */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)].map(
    (match) => match[1]!,
  );
}

function resolveRelative(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  const file = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f));
  if (!file) throw new Error(`${from}: cannot resolve ${specifier}`);
  return file;
}

/** Every package reached from `entry` through run-time imports, with the file that imports it. */
function packagesReachedFrom(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(resolveRelative(file, specifier));
      else packages.set(specifier, path.relative(__dirname, file));
    }
  };
  visit(entry);
  return packages;
}

describe('the browser entry (@mediaflow/contracts/browser)', () => {
  it('reaches no Node built-in, only zod', () => {
    const reached = packagesReachedFrom(path.join(__dirname, 'browser.ts'));
    const foreign = [...reached].filter(([name]) => !ALLOWED_PACKAGES.has(name));
    expect(foreign).toEqual([]);
    expect([...reached.keys()]).toContain('zod');
  });

  it('the index does reach node:crypto (so the check above can fail)', () => {
    expect([...packagesReachedFrom(path.join(__dirname, 'index.ts')).keys()]).toContain(
      'node:crypto',
    );
  });

  it('leaves out only what needs Node: the index is the browser entry and the id makers', () => {
    const onlyInIndex = Object.keys(everything).filter((name) => !(name in browser));
    expect(onlyInIndex.sort()).toEqual(
      ['hashedEventId', 'newId', 'projectEvent', 'projectEventId'].sort(),
    );
    for (const name of Object.keys(browser))
      expect(everything[name as keyof typeof everything]).toBe(
        browser[name as keyof typeof browser],
      );
  });
});
