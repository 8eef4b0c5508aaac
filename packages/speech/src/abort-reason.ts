import { MediaflowError } from '@mediaflow/contracts';

/** Why a signal was aborted, as the error to reject with: the runner's reason (`cancelled`, `timeout`) when it gave one. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new MediaflowError('cancelled', 'The speech recognition was cancelled');
}
