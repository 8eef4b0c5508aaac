import { HealthController } from './health.controller';

// `pnpm start:services` sets MEDIAFLOW_INSTANCE_ID in each app it starts and
// waits for /health to answer it back (scripts/start-services.js).
describe('HealthController.health', () => {
  const saved = process.env.MEDIAFLOW_INSTANCE_ID;
  afterEach(() => {
    if (saved === undefined) delete process.env.MEDIAFLOW_INSTANCE_ID;
    else process.env.MEDIAFLOW_INSTANCE_ID = saved;
  });

  it('answers only the status when MEDIAFLOW_INSTANCE_ID is unset or empty', () => {
    delete process.env.MEDIAFLOW_INSTANCE_ID;
    expect(new HealthController([]).health()).toStrictEqual({ status: 'ok' });
    process.env.MEDIAFLOW_INSTANCE_ID = '';
    expect(new HealthController([]).health()).toStrictEqual({ status: 'ok' });
  });

  it('answers the instance id it was started with', () => {
    process.env.MEDIAFLOW_INSTANCE_ID = '0b6f7c1e-4d0a-4a51-9a43-2f4e1d9d7c11';
    const controller = new HealthController([]);
    process.env.MEDIAFLOW_INSTANCE_ID = 'changed-after-start';
    expect(controller.health()).toStrictEqual({
      status: 'ok',
      instance: '0b6f7c1e-4d0a-4a51-9a43-2f4e1d9d7c11',
    });
  });
});
