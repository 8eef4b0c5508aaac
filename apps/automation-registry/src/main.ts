import { loadConfig } from '@mediaflow/config';
import { startRegistry } from './bootstrap';
import { registryConfigSchema } from './config';

const config = loadConfig(registryConfigSchema);

startRegistry(config).catch((error: unknown) => {
  process.stderr.write(
    `automation-registry could not start: ${(error as Error)?.message ?? String(error)}\n`,
  );
  process.exit(1);
});
