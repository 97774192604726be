// Scoring "similar past tickets" (pure: no I/O): BM25 over the terms of
// lib/similar/terms.ts, with the document frequencies kept in
// similar_term_counts.
//
// A ticket's terms are stored once each (no term frequency): tickets are
// short, and a word repeated in a pasted log says little more. BM25 with
// tf = 1 is, per past ticket,
//   score = Σ over shared terms of weight(t) · idf(t) · (k1 + 1) / (1 + k1 · (1 − b + b · length / average length))
// so the SQL only adds up weight · idf per ticket through the index, and the
// length factor is applied here to the best of those sums.
//
// Which query terms are looked up: each term costs the index as many rows as
// tickets hold it, so the rarest (most telling) terms are looked up first
// until a budget of rows is spent. A term in a fifth of 100,000 tickets adds
// little (idf ≈ 1.6 against ≈ 9 for a term in ten) and would cost 20,000 rows;
// below the budget (about 20,000 past tickets) every shared term counts.

const K1 = 1.2;
const B = 0.75;
/** Rows of the terms index one query may visit. */
export const POSTINGS_BUDGET = 8_000;
/** Query terms looked up at most: a long inquiry is cut to its most telling terms. */
const MAX_LOOKUPS = 48;

/** A query term to look up, worth `value` (weight · idf) to each past ticket holding it. */
export interface QueryTerm {
  term: string;
  value: number;
}

/** Robertson–Spärck Jones idf as in BM25 (the +1 keeps it positive for terms in over half the tickets). */
export function idf(ticketsWithTerm: number, tickets: number): number {
  return Math.log(1 + (tickets - ticketsWithTerm + 0.5) / (ticketsWithTerm + 0.5));
}

/**
 * The query terms to look up, most telling first. Terms no past ticket holds
 * cannot match and are left out; the rest are taken rarest-valued first while
 * they fit the budget of index rows.
 */
export function planQuery(weights: Map<string, number>, counts: Map<string, number>, tickets: number): QueryTerm[] {
  const known = [...weights]
    .map(([term, weight]) => ({ term, df: counts.get(term) ?? 0, value: weight * idf(counts.get(term) ?? 0, tickets) }))
    .filter((t) => t.df > 0)
    .sort((a, b) => b.value - a.value || a.df - b.df || (a.term < b.term ? -1 : 1));
  const plan: QueryTerm[] = [];
  let rows = 0;
  for (const t of known) {
    if (plan.length >= MAX_LOOKUPS) break;
    if (rows + t.df > POSTINGS_BUDGET) continue;
    rows += t.df;
    plan.push({ term: t.term, value: t.value });
  }
  return plan;
}

/** A past ticket the index found: the sum of its shared terms' values, and those terms, most telling first. */
export interface Candidate {
  number: string;
  matched: number;
  termCount: number;
  terms: string[];
}

/** BM25's length factor for a ticket of `termCount` terms (tf = 1). */
export function lengthFactor(termCount: number, averageTermCount: number): number {
  const ratio = averageTermCount > 0 ? termCount / averageTermCount : 1;
  return (K1 + 1) / (1 + K1 * (1 - B + B * ratio));
}

/** The best `limit` candidates by BM25, with their score rounded for people. */
export function rankCandidates<C extends Candidate>(candidates: C[], averageTermCount: number, limit: number): (C & { score: number })[] {
  return candidates
    .map((c) => ({ ...c, score: c.matched * lengthFactor(c.termCount, averageTermCount) }))
    .sort((a, b) => b.score - a.score || (a.number < b.number ? 1 : -1))
    .slice(0, limit)
    .map((c) => ({ ...c, score: Math.round(c.score * 100) / 100 }));
}
