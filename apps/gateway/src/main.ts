import { loadConfig } from '@mediaflow/config';
import { startGateway } from './bootstrap';
import { gatewayConfigSchema } from './config';

async function main(): Promise<void> {
  const config = loadConfig(gatewayConfigSchema);
  try {
    await startGateway(config);
  } catch (error) {
    // One clear line, not a stack: what failed at start is almost always a dependency or a setting.
    process.stderr.write(`gateway: cannot start: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  }
}

void main();
