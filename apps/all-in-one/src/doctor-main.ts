import { runDoctorCommand } from '@mediaflow/doctor';
import { doctorImageWorker } from './doctor-image-worker';

/**
 * `pnpm run doctor` (or `pnpm diagnose`; `pnpm doctor` is pnpm's own): each
 * dependency with its version (or what is missing and how to get it), and
 * whether each task kind can run, for the configuration in this environment.
 */
runDoctorCommand(process.argv.slice(2), {
  command: 'pnpm run doctor',
  imageWorker: doctorImageWorker,
})
  // exitCode rather than exit(): a piped report is written out in full first.
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`mediaflow doctor: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 2;
  });
