// The search terms of a knowledge record and of a query (pure: no I/O).
//
// The same tokenizer as "similar past tickets" (lib/similar/terms.ts):
// Japanese runs as character bigrams, other text as folded words, error codes
// and command names as weightier "signal" terms. So a record written in
// Japanese is found by other Japanese words for the same thing, and its
// English keywords by English ones.
//
// Ranking is plain term overlap: the sum of the query's weights of the terms
// a record shares with it. Published records are few (hundreds, not the
// 100,000 tickets BM25 is tuned for), reviewed, and short; the words that
// matter are in the symptom and the keywords the author chose. An idf would
// mostly reorder near-ties.
import { ticketTerms } from '../similar/terms';
import type { RecordFields } from './record-rules';

/** The distinct terms of a record, as stored in knowledge_records.terms for the GIN index. */
export function recordTerms(record: Pick<RecordFields, 'symptom' | 'cause' | 'fix' | 'product' | 'version' | 'keywords'>): string[] {
  const heading = [record.symptom, record.keywords.join('\n'), record.product, record.version].filter(Boolean).join('\n');
  return [...ticketTerms({ subject: heading, inquiry: record.cause, resolution: record.fix }).keys()];
}

/** A query's terms, each with its weight. */
export function queryTerms(q: string): Map<string, number> {
  return ticketTerms({ subject: q });
}

/** How well a record with `terms` answers the query: the summed weights of the shared terms (0: none shared). */
export function overlapScore(query: Map<string, number>, terms: readonly string[]): number {
  let score = 0;
  for (const term of new Set(terms)) score += query.get(term) ?? 0;
  return Math.round(score * 1000) / 1000;
}
