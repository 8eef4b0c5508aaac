// Shared Jest setup: swc strips types (fast) and keeps the decorator metadata
// NestJS and TypeORM read at run time. Type errors are caught by `typecheck`.
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Tests here talk to real PostgreSQL, NATS and ffmpeg; under CI load a
  // CREATE DATABASE alone can take seconds, so 5 s is too tight.
  testTimeout: 30000,
  reporters: ['default', require.resolve('./scripts/jest-summary-reporter.js')],
};
