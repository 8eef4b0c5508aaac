import diagnosticsChannel from 'node:diagnostics_channel';
import { Logger } from '@nestjs/common';

/**
 * @mediaflow/net-guard's ADDRESS_REFUSED_CHANNEL. net-guard has no logger
 * and this package does not depend on it: the channel's name is the contract.
 */
export const ADDRESS_REFUSED_CHANNEL = 'mediaflow:net-guard:address-refused';

let subscribed = false;

/**
 * Logs at debug what a refused host name resolved to. The user's error says
 * only that the address is not allowed (naming it would map the internal
 * DNS for whoever sent the URL); the operator, allowing a host, needs the
 * address and its class. Once per process.
 */
export function logAddressRefusals(): void {
  if (subscribed) return;
  subscribed = true;
  const logger = new Logger('NetGuard');
  diagnosticsChannel.subscribe(ADDRESS_REFUSED_CHANNEL, (refusal) => {
    const detail = (refusal as { detail?: unknown } | null)?.detail;
    if (typeof detail === 'string') logger.debug(`connection refused: ${detail}`);
  });
}
