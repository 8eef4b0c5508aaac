import { randomBytes } from 'node:crypto';
import type { Provider } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { SettingsService } from '../settings/settings.service';

/** Injection token of the HMAC key of signed download URLs. */
export const SIGNING_SECRET = Symbol('SIGNING_SECRET');

export const SIGNING_SECRET_SETTING = 'signing_secret';

/**
 * MEDIAFLOW_SIGNING_SECRET, or when it is unset the one kept in
 * `gateway.settings`, made by the first gateway that ever started: every
 * replica, and every restart, then signs and verifies alike.
 */
export const signingSecretProvider: Provider = {
  provide: SIGNING_SECRET,
  inject: [GATEWAY_CONFIG, SettingsService],
  useFactory: async (
    config: Pick<GatewayConfig, 'MEDIAFLOW_SIGNING_SECRET'>,
    settings: SettingsService,
  ): Promise<string> =>
    config.MEDIAFLOW_SIGNING_SECRET ??
    settings.ensure(SIGNING_SECRET_SETTING, () => randomBytes(32).toString('hex')),
};
