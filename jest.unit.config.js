// `pnpm test:unit`: every package's colocated pure specs in one Jest run, with
// each package's own settings (transforms). Integration specs
// (`*.integration.spec.ts`: ffmpeg, PostgreSQL, NATS, child processes) and the
// `test/` folders are left to `pnpm test`, so this lane needs no server.
const fs = require('node:fs');
const path = require('node:path');

const GROUPS = ['apps', 'packages'];

const projects = GROUPS.flatMap((group) =>
  fs
    .readdirSync(path.join(__dirname, group))
    .map((name) => path.join(__dirname, group, name))
    .filter((dir) => fs.existsSync(path.join(dir, 'jest.config.js')))
    .map((dir) => {
      const { reporters: _reporters, testTimeout: _timeout, ...config } = require(
        path.join(dir, 'jest.config.js'),
      );
      return {
        ...config,
        displayName: path.relative(__dirname, dir),
        rootDir: dir,
        roots: ['<rootDir>/src'],
        testPathIgnorePatterns: [
          ...(config.testPathIgnorePatterns ?? []),
          '\\.integration\\.spec\\.ts$',
        ],
      };
    }),
);

module.exports = { projects, testTimeout: 30000 };
