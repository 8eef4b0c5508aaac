import { notFound } from './errors';

describe('notFound', () => {
  it('names the resource and the id, cutting an absurdly long id short', () => {
    expect(notFound('task', 'task_0000000000000000')).toMatchObject({
      code: 'not_found',
      status: 404,
      message: 'No task task_0000000000000000 in this project',
    });
    expect(notFound('file', 'x'.repeat(65)).message).toBe(
      `No file ${'x'.repeat(64)}… in this project`,
    );
  });
});
