import { afterWebhookAttempt, WEBHOOK_GIVE_UP_MS } from './webhook-schedule';

const created = new Date('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(created.getTime() + ms);

describe('afterWebhookAttempt', () => {
  it.each([[200], [201], [204], [299]])('is delivered on %i', (status) => {
    expect(afterWebhookAttempt({ attempts: 0, created_at: created }, { status }, at(10))).toEqual({
      attempts: 1,
      last_status: status,
      last_error: null,
      delivered_at: at(10),
      next_attempt_at: null,
    });
  });

  it.each([
    ['a 500', 0, { status: 500 }, 500, 'answered 500', 1_000],
    ['a redirect', 0, { status: 302 }, 302, 'answered 302', 1_000],
    ['a 404 on the third attempt', 2, { status: 404 }, 404, 'answered 404', 4_000],
    ['a refused connection', 1, { error: 'ECONNREFUSED' }, null, 'ECONNREFUSED', 2_000],
    [
      'a timeout on the twentieth attempt',
      19,
      { error: 'no answer within 10000 ms' },
      null,
      'no answer within 10000 ms',
      3_600_000,
    ],
  ])('tries again after %s with backoff', (_name, attempts, outcome, status, error, waitMs) => {
    const now = at(60_000);
    expect(afterWebhookAttempt({ attempts, created_at: created }, outcome, now)).toEqual({
      attempts: attempts + 1,
      last_status: status,
      last_error: error,
      delivered_at: null,
      next_attempt_at: at(60_000 + waitMs),
    });
  });

  it('does not try again after a refusal, which no attempt can change', () => {
    const refused =
      'hooks.example resolves to an address that is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS';
    expect(afterWebhookAttempt({ attempts: 0, created_at: created }, { refused }, at(10))).toEqual({
      attempts: 1,
      last_status: null,
      last_error: refused,
      delivered_at: null,
      next_attempt_at: null,
    });
  });

  it('makes its last try a day after the delivery was made, then gives up', () => {
    const lastHour = afterWebhookAttempt(
      { attempts: 30, created_at: created },
      { status: 503 },
      at(WEBHOOK_GIVE_UP_MS - 1_000),
    );
    expect(lastHour).toMatchObject({ attempts: 31, last_status: 503, delivered_at: null });
    expect(lastHour.next_attempt_at).toEqual(at(WEBHOOK_GIVE_UP_MS));
    const inTime = afterWebhookAttempt(
      { attempts: 0, created_at: created },
      { status: 503 },
      at(WEBHOOK_GIVE_UP_MS - 2_000),
    );
    expect(inTime.next_attempt_at).toEqual(at(WEBHOOK_GIVE_UP_MS - 1_000));
    const last = afterWebhookAttempt(
      { attempts: 31, created_at: created },
      { error: 'ECONNREFUSED' },
      at(WEBHOOK_GIVE_UP_MS),
    );
    expect(last).toMatchObject({
      attempts: 32,
      last_error: 'ECONNREFUSED',
      delivered_at: null,
      next_attempt_at: null,
    });
  });
});
