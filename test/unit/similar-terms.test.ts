import { describe, expect, it } from 'vitest';
import { idf, lengthFactor, planQuery, POSTINGS_BUDGET, rankCandidates } from '../../lib/similar/score';
import { kindOf, stem, TERM_WEIGHT, ticketTerms } from '../../lib/similar/terms';

const terms = (text: string) => [...ticketTerms({ subject: text }).keys()];
const weights = (text: string) => Object.fromEntries(ticketTerms({ subject: text }));

describe('Japanese text', () => {
  it('cuts runs of Japanese script into overlapping bigrams', () => {
    expect(terms('接続に失敗')).toEqual(['接続', '続に', 'に失', '失敗']);
  });

  it('leaves out bigrams of hiragana only (grammar), keeps those touching kanji or katakana', () => {
    expect(terms('起動しません')).toEqual(['起動', '動し']);
  });

  it('ends a run at punctuation and keeps a lone kanji, not a lone kana', () => {
    expect(terms('DBの値、の')).toEqual(['db', 'の値']);
    expect(terms('値。が')).toEqual(['値']);
  });

  it("spells サーバー and サーバ alike: a katakana word's final ー is dropped", () => {
    expect(terms('サーバーが停止')).toEqual(terms('サーバが停止'));
    expect(terms('ユーザー')).toEqual(terms('ユーザ'));
    expect(terms('エラー')).toEqual(['エラ']);
  });

  it('folds half-width katakana and full-width ASCII with NFKC', () => {
    expect(terms('ｻｰﾊﾞ')).toEqual(terms('サーバ'));
    expect(terms('ＯＲＡ－１２１５４')).toEqual(terms('ORA-12154'));
    expect(terms('Ｅ１２３４　が発生')).toEqual(['e1234', 'が発', '発生']);
  });

  it('drops the greetings every business mail carries', () => {
    expect(terms('お世話になっております。印刷できません。よろしくお願いいたします。')).toEqual(['印刷', '刷で']);
  });
});

describe('ASCII words', () => {
  it('lowercases words, drops stop words and stems plurals and tenses alike', () => {
    expect(terms('The Printers are Failing')).toEqual(['printer', 'fail']);
    expect(stem('upgrades')).toBe(stem('upgraded'));
    expect(stem('upgrading')).toBe(stem('upgrade'));
    expect(stem('stopped')).toBe('stop');
    expect(stem('status')).toBe('status');
  });

  it('weighs error codes, versions, HTTP statuses and identifiers in code form as signal', () => {
    const w = weights('E1234 0x80070005 ORA-12154 1.2.3 502 ECONNREFUSED NullPointerException node-gyp max_connections');
    for (const term of ['e1234', '0x80070005', 'ora-12154', '1.2.3', '502', 'econnrefused', 'nullpointerexception', 'node-gyp', 'max_connections']) {
      expect(w[term], term).toBe(TERM_WEIGHT.signal);
    }
  });

  it('gives the parts of a compound too, so that "ORA 12154" written apart still meets ORA-12154', () => {
    const w = weights('ORA-12154');
    expect(w.ora).toBe(TERM_WEIGHT.part);
    expect(w['12154']).toBe(TERM_WEIGHT.part);
    expect(terms('ORA 12154')).toEqual(['ora', '12154']);
  });

  it('reads hyphenated English as words, and drops dates and long numbers', () => {
    expect(kindOf('e-mail')).toBe('compound');
    expect(kindOf('follow-up')).toBe('compound');
    expect(kindOf('2024/01/05')).toBe('skip');
    expect(kindOf('0312345678')).toBe('skip');
    expect(kindOf('777')).toBe('number');
    expect(terms('e-mail follow-up on 2024/01/05')).toEqual(['mail', 'follow']);
  });

  it('keeps each term once, at its highest weight', () => {
    const w = ticketTerms({ subject: 'ora timeout', inquiry: 'ORA-12154 timeout timeout' });
    expect(w.get('ora')).toBe(TERM_WEIGHT.word);
    expect(w.get('ora-12154')).toBe(TERM_WEIGHT.signal);
    expect([...w.keys()].filter((t) => t === 'timeout')).toHaveLength(1);
  });

  it('reads subject, inquiry and resolution', () => {
    expect([...ticketTerms({ subject: 'nginx', inquiry: '502 が出る', resolution: 'proxy_pass を修正' }).keys()]).toEqual(['nginx', '502', 'が出', '出る', 'proxy_pass', 'proxy', 'pass', 'を修', '修正']);
  });
});

describe('scoring', () => {
  it('weighs a rare term more than a common one (BM25 idf, always positive)', () => {
    expect(idf(1, 1000)).toBeGreaterThan(idf(100, 1000));
    expect(idf(900, 1000)).toBeGreaterThan(0);
  });

  it('looks up the most telling terms first and leaves out terms no ticket holds', () => {
    const plan = planQuery(new Map([['e1234', TERM_WEIGHT.signal], ['エラ', 1], ['never', 1]]), new Map([['e1234', 3], ['エラ', 400]]), 1000);
    expect(plan.map((p) => p.term)).toEqual(['e1234', 'エラ']);
    expect(plan[0].value).toBeCloseTo(TERM_WEIGHT.signal * idf(3, 1000));
  });

  it('skips terms whose index rows would pass the budget, and keeps the rarer ones after them', () => {
    const plan = planQuery(new Map([['common', 5], ['rare', 1]]), new Map([['common', POSTINGS_BUDGET + 1], ['rare', 2]]), 10 * POSTINGS_BUDGET);
    expect(plan.map((p) => p.term)).toEqual(['rare']);
  });

  it('ranks by the shared values times the length factor: a long ticket sharing the same terms comes second', () => {
    expect(lengthFactor(10, 50)).toBeGreaterThan(lengthFactor(200, 50));
    const ranked = rankCandidates(
      [
        { number: '1', matched: 10, termCount: 400, terms: ['a'] },
        { number: '2', matched: 10, termCount: 20, terms: ['a'] },
        { number: '3', matched: 1, termCount: 20, terms: ['b'] },
      ],
      50,
      2,
    );
    expect(ranked.map((r) => r.number)).toEqual(['2', '1']);
    expect(ranked[0].score).toBe(Math.round(10 * lengthFactor(20, 50) * 100) / 100);
  });
});
