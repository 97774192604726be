// storeArticle with a request key: the first store inserts, a retry (or two at
// once) inserts nothing and answers the first article's id, in two statements
// at most (the insert, then the select that finds the first store's row).
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { storeArticle } from '../../db/articles';
import type { Database } from '../../db/schema';

let db: Kysely<Database>;
const statements: string[] = [];

beforeAll(() => {
  db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: inject('databaseUrl'), max: 4 }) }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql);
    },
  });
});

afterAll(() => db.destroy());

const article = (requestKey?: string) => ({ ticketNumber: `articles-test-${process.pid}`, kind: 'memo' as const, direction: 'internal' as const, channel: 'web', body: '本文', ...(requestKey ? { requestKey } : {}) });

describe('storeArticle', () => {
  it('stores a keyed article once: the first store is one insert, a retry an insert that does nothing and a select', async () => {
    const key = `articles-test-${process.pid}-${Date.now()}`;
    statements.length = 0;
    const first = await storeArticle(db, article(key));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^insert into "articles"/);

    statements.length = 0;
    const again = await storeArticle(db, article(key));
    expect(again).toBe(first);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^insert into "articles"/);
    expect(statements[1]).toMatch(/^select "id" from "articles"/);

    const rows = await db.selectFrom('articles').select('id').where('idempotency_key', '=', key).execute();
    expect(rows.map((r) => r.id)).toEqual([first]);
  });

  it('two stores of one request at once answer one article', async () => {
    const key = `articles-test-${process.pid}-${Date.now()}-race`;
    const ids = await Promise.all(Array.from({ length: 6 }, () => storeArticle(db, article(key))));
    expect(new Set(ids).size).toBe(1);
    expect(await db.selectFrom('articles').select('id').where('idempotency_key', '=', key).execute()).toHaveLength(1);
  });

  it('an article without a key is stored each time', async () => {
    const [a, b] = [await storeArticle(db, article()), await storeArticle(db, article())];
    expect(a).not.toBe(b);
  });
});
