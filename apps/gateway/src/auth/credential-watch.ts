import { MediaflowError } from '@mediaflow/contracts';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AuthService } from './auth.service';
import { REVOKED_MESSAGES, credentialKey, type Credential } from './credential';

/**
 * How often a replica asks PostgreSQL whether the credentials of its open
 * streams are still valid: a key revoked through another replica (they share
 * no memory) ends this one's streams within it. One indexed lookup a second
 * per replica, and none while no stream is open.
 */
export const CREDENTIAL_CHECK_MS = 1_000;

interface Held {
  credential: Credential;
  holders: Set<Holder>;
}

interface Holder {
  revoked(reason: MediaflowError): void;
}

/**
 * Ends what was opened with a credential (the event streams: an ordinary
 * request is over before a revocation could matter) once the credential is
 * revoked: at once when it is revoked through this replica ({@link revoked}),
 * within CREDENTIAL_CHECK_MS when through another, by one query for the
 * credentials of everything this replica holds open.
 */
@Injectable()
export class CredentialWatch implements OnModuleDestroy {
  private readonly logger = new Logger('CredentialWatch');
  /** Credential key → the credential and who holds something open with it. */
  private readonly held = new Map<string, Held>();
  private timer?: NodeJS.Timeout;
  private checking = false;
  /** The last check failed: said once in the log, not every second. */
  private failing = false;

  constructor(@Inject(AuthService) private readonly auth: Pick<AuthService, 'stillValid'>) {}

  /**
   * Calls `revoked` with the reason (an `unauthorized` error) once
   * `credential` is revoked, unless the returned function was called first.
   */
  hold(credential: Credential, revoked: (reason: MediaflowError) => void): () => void {
    const key = credentialKey(credential);
    const held = this.held.get(key) ?? { credential, holders: new Set<Holder>() };
    this.held.set(key, held);
    const holder: Holder = { revoked };
    held.holders.add(holder);
    if (!this.timer) {
      this.timer = setInterval(() => void this.check(), CREDENTIAL_CHECK_MS);
      // The open streams keep the process up, not their watch.
      this.timer.unref();
    }
    return () => {
      held.holders.delete(holder);
      if (held.holders.size === 0 && this.held.get(key) === held) this.held.delete(key);
      this.idleIfEmpty();
    };
  }

  /** `credential` was revoked here: what was opened with it ends now, not at the next check. */
  revoked(credential: Credential): void {
    const key = credentialKey(credential);
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    this.idleIfEmpty();
    const reason = new MediaflowError('unauthorized', REVOKED_MESSAGES[credential.kind]);
    for (const holder of held.holders) holder.revoked(reason);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * One query for every credential held; one check at a time (a slow
   * database skips a beat rather than stacking queries). A failed check ends
   * nothing: the database being away is no sign of a revocation, and the
   * guard refuses every new request meanwhile.
   */
  private async check(): Promise<void> {
    if (this.checking || this.held.size === 0) return;
    this.checking = true;
    // Only these are judged: one held first during the query was not asked about.
    const credentials = [...this.held.values()].map((held) => held.credential);
    let valid: Set<string>;
    try {
      valid = await this.auth.stillValid(credentials);
    } catch (error) {
      if (!this.failing)
        this.logger.warn(`open streams: credentials not checked: ${(error as Error).message}`);
      this.failing = true;
      return;
    } finally {
      this.checking = false;
    }
    if (this.failing) this.logger.log('open streams: credentials checked again');
    this.failing = false;
    for (const credential of credentials) {
      if (!valid.has(credentialKey(credential))) this.revoked(credential);
    }
  }

  private idleIfEmpty(): void {
    if (this.held.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
