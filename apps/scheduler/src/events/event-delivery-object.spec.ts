import type { LoggedEventRecord } from '@mediaflow/contracts';
import { CREATED, LATER } from '../../test/fixtures/rows';
import type { EventDeliveryRow } from './event-deliveries.repository';
import { toEventDelivery, withDeliveries } from './event-delivery-object';

const row = (overrides: Partial<EventDeliveryRow> = {}): EventDeliveryRow => ({
  id: '1',
  event_id: 'evt_aaaaaaaaaaaaaaaa',
  endpoint_id: 'we_aaaaaaaaaaaaaaaa',
  redelivery: false,
  attempts: 0,
  next_attempt_at: CREATED,
  claimed_until: null,
  delivered_at: null,
  last_status: null,
  last_error: null,
  last_duration_ms: null,
  attempt_history: [],
  created_at: CREATED,
  ...overrides,
});

const failedOnce = {
  attempt: 1,
  at: 1735689825,
  http_status: 500,
  duration_ms: 12,
  error: 'answered 500',
};

describe('toEventDelivery', () => {
  it('is pending, with its next attempt, until delivered or given up', () => {
    expect(
      toEventDelivery(
        row({
          attempts: 1,
          next_attempt_at: LATER,
          last_status: 500,
          last_error: 'answered 500',
          last_duration_ms: 12,
          attempt_history: [failedOnce],
        }),
      ),
    ).toEqual({
      endpoint_id: 'we_aaaaaaaaaaaaaaaa',
      status: 'pending',
      attempts: 1,
      http_status: 500,
      duration_ms: 12,
      error: 'answered 500',
      next_attempt_at: 1735689840,
      redelivery: false,
      created_at: 1735689825,
      delivered_at: null,
      attempt_history: [failedOnce],
    });
  });

  it('is delivered once a POST had a 2xx, with no next attempt', () => {
    expect(
      toEventDelivery(
        row({ attempts: 2, delivered_at: LATER, next_attempt_at: null, last_status: 204 }),
      ),
    ).toMatchObject({ status: 'delivered', delivered_at: 1735689840, next_attempt_at: null });
  });

  it('has failed when nothing more is planned and it was not delivered', () => {
    expect(
      toEventDelivery(row({ attempts: 31, next_attempt_at: null, last_error: 'answered 503' })),
    ).toMatchObject({ status: 'failed', next_attempt_at: null, error: 'answered 503' });
  });
});

describe('withDeliveries', () => {
  const event = (id: string) =>
    ({ id, type: 'file.deleted', created_at: 1, data: {} }) as unknown as LoggedEventRecord;

  it('gives each event its deliveries, in the order given, and none to one without', () => {
    const grouped = withDeliveries(
      [event('evt_a'), event('evt_b')],
      [
        row({ id: '1', event_id: 'evt_a', endpoint_id: 'we_1' }),
        row({ id: '2', event_id: 'evt_a', endpoint_id: 'we_2', redelivery: true }),
      ],
    );
    expect(
      grouped.map(({ event: e, deliveries }) => [e.id, deliveries.map((d) => d.endpoint_id)]),
    ).toEqual([
      ['evt_a', ['we_1', 'we_2']],
      ['evt_b', []],
    ]);
  });
});
