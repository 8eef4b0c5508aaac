import {
  EventListQuerySchema,
  LOGGED_EVENT_TYPES,
  isFileEvent,
  isLoggedEventType,
  isTaskEvent,
  type LoggedEventRecord,
} from './event-log';
import { PROJECT_EVENT_TYPES, isStoredEventType } from './project-events';

describe('LOGGED_EVENT_TYPES', () => {
  it('has every task type the log keeps, and no other task type', () => {
    expect(LOGGED_EVENT_TYPES.filter((type) => type.startsWith('task.'))).toEqual(
      PROJECT_EVENT_TYPES.filter(isStoredEventType),
    );
  });

  it('has the files’ and the automations’ types', () => {
    expect(LOGGED_EVENT_TYPES.filter((type) => !type.startsWith('task.'))).toEqual([
      'file.created',
      'file.deleted',
      'automation.created',
      'automation.updated',
      'automation.deleted',
    ]);
  });

  it.each([
    ['task.completed', true],
    ['file.deleted', true],
    ['automation.created', true],
    ['task.progress', false],
    ['file.updated', false],
    ['*', false],
  ])('isLoggedEventType(%p) is %p', (type, logged) => {
    expect(isLoggedEventType(type)).toBe(logged);
  });
});

describe('isTaskEvent and isFileEvent', () => {
  const event = (type: string) => ({ type }) as LoggedEventRecord;

  it.each([
    ['task.started', true, false],
    ['task.progress', true, false],
    ['file.created', false, true],
    ['automation.deleted', false, false],
  ])('%s: task %p, file %p', (type, task, file) => {
    expect(isTaskEvent(event(type))).toBe(task);
    expect(isFileEvent(event(type))).toBe(file);
  });
});

describe('EventListQuerySchema', () => {
  it('takes a type the log keeps, a task and an automation, with the page defaults', () => {
    expect(
      EventListQuerySchema.parse({
        type: 'file.created',
        task_id: 'task_aaaaaaaaaaaaaaaa',
        automation_id: 'auto_aaaaaaaaaaaaaaaa',
      }),
    ).toEqual({
      page: 1,
      limit: 20,
      type: 'file.created',
      task_id: 'task_aaaaaaaaaaaaaaaa',
      automation_id: 'auto_aaaaaaaaaaaaaaaa',
    });
  });

  it.each([
    [{ type: 'task.progress' }, 'type'],
    [{ task_id: 'file_aaaaaaaaaaaaaaaa' }, 'task_id'],
    [{ kind: 'image' }, ''],
    [{ limit: '101' }, 'limit'],
  ])('refuses %p', (query, path) => {
    const result = EventListQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe(path);
  });
});
