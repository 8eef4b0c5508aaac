import { randomBytes } from 'node:crypto';

/**
 * An endpoint's signing secret, the key of `Mediaflow-Signature`: 256 bits
 * from the CSPRNG, in the form of the project's webhook secret.
 */
export function newEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}
