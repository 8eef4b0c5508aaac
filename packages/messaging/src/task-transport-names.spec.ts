import { taskTransportNames } from './task-transport-names';

describe('taskTransportNames', () => {
  it('prefixes subjects with a dot and stream and consumer names with an underscore', () => {
    const names = taskTransportNames('mf1');
    expect(names).toMatchObject({
      workStream: 'mf1_TASKS',
      eventStream: 'mf1_TASK_EVENTS',
      workSubjects: 'mf1.tasks.run.>',
      eventSubjects: 'mf1.tasks.events.>',
      cancelSubject: 'mf1.tasks.cancel',
      changesSubject: 'mf1.tasks.changed',
    });
    expect(names.runSubject('image')).toBe('mf1.tasks.run.image');
    expect(names.eventSubject('video')).toBe('mf1.tasks.events.video');
    expect(names.workConsumer('thumbnails')).toBe('mf1_work_thumbnails');
    expect(names.eventConsumer('scheduler')).toBe('mf1_events_scheduler');
  });

  it('uses the contract names as they are without a prefix', () => {
    const names = taskTransportNames();
    expect(names.workStream).toBe('TASKS');
    expect(names.eventStream).toBe('TASK_EVENTS');
    expect(names.runSubject('ingest')).toBe('tasks.run.ingest');
    expect(names.cancelSubject).toBe('tasks.cancel');
    expect(names.changesSubject).toBe('tasks.changed');
    expect(names.workConsumer('image')).toBe('work_image');
    expect(names.eventConsumer('gateway')).toBe('events_gateway');
  });

  it('refuses names that would break a subject token or a stream name', () => {
    expect(() => taskTransportNames('a.b')).toThrow(/letters, digits, _ or -/);
    expect(() => taskTransportNames('a b')).toThrow(/letters, digits, _ or -/);
    expect(() => taskTransportNames('p').eventConsumer('sched.uler')).toThrow(
      /durable name "sched.uler"/,
    );
    expect(() => taskTransportNames('p').eventConsumer('*')).toThrow(/durable name/);
  });
});
