import { JOURNAL_VERSION, readJournal } from './in-process-journal';

describe('readJournal', () => {
  const work = JSON.stringify({
    t: 'work',
    seq: 1,
    subject: 'tasks.run.image',
    id: 'task_a.1',
    at: 1,
    payload: '{}',
  });
  const done = JSON.stringify({ t: 'done', seq: 1 });

  it('reads one record a line', () => {
    expect(readJournal(`${work}\n${done}\n`)).toEqual([JSON.parse(work), JSON.parse(done)]);
  });

  it('drops a torn last line, with or without what follows it being blank', () => {
    expect(readJournal(`${work}\n${done.slice(0, 8)}`)).toEqual([JSON.parse(work)]);
    expect(readJournal(`${work}\n${done.slice(0, 8)}\n\n`)).toEqual([JSON.parse(work)]);
  });

  it('keeps a last line that is whole but lost its newline', () => {
    expect(readJournal(`${work}\n${done}`)).toHaveLength(2);
  });

  it('refuses a bad line before the last, naming it', () => {
    expect(() => readJournal(`${work}\n{"t":"what"}\n${done}\n`, '/x/journal.jsonl')).toThrow(
      '/x/journal.jsonl line 2 is not a journal record; move the file away to start with empty queues',
    );
  });

  it('refuses a journal of a later format', () => {
    const header = JSON.stringify({
      t: 'journal',
      v: JOURNAL_VERSION + 1,
      workSeq: 0,
      eventSeq: 0,
    });
    expect(() => readJournal(`${header}\n`)).toThrow(
      new RegExp(`journal format ${JOURNAL_VERSION + 1}`),
    );
  });
});
