// What the lifecycle bench's parent (bench/lifecycle.ts) and its runs
// (bench/lifecycle/run.ts, one child process each) share: the steps, the
// run's orders and the shape of what a run reports back.

/** The 11 transitions of one lifecycle, in order; a second memo, review and answer after the follow-up. */
export const STEPS = ['create', 'queue', 'acknowledge', 'memo', 'review', 'answer', 'follow-up', 'memo-2', 'review-2', 'answer-2', 'close'] as const;
export type Step = (typeof STEPS)[number];

/** A: minimal workflow (the floor); B: ticket workflow through the Temporal client; C: the HTTP API. */
export type Variant = 'A' | 'B' | 'C';

export interface RunOrder {
  variant: Variant;
  /** Which run this is (1-based), for names that must not collide across runs. */
  index: number;
  temporalAddress: string;
  databaseUrl: string;
  /** Bundles made once by the parent, so no run pays for bundling and every run runs the same code. */
  ticketBundle: string;
  minimalBundle: string;
  dataDir: string;
  warmup: number;
  latencyLifecycles: number;
  throughputLifecycles: number;
  concurrency: number;
  countLifecycles: number;
  /** 'statements' with pg_stat_statements loaded, else 'xact' (pg_stat_database, flushed once a second). */
  sqlSource: 'statements' | 'xact';
  resultFile: string;
}

/** What one transition cost, counted in isolation (its consequences settled before the next). */
export interface Work {
  workflowTasks: number;
  activityTasks: number;
  localActivities: number;
  events: number;
  /** SQL statements (BEGIN/COMMIT and the bench's own reads of the statistics left out), or transactions with 'xact'. */
  sql: number;
  sqlWrites: number;
}

export interface RunResult {
  variant: Variant;
  index: number;
  /** Concurrency 1: milliseconds per transition kind. */
  latency: Record<Step, number[]>;
  throughput: { transitions: number; lifecycles: number; seconds: number; concurrency: number };
  /** Every transition's milliseconds in the throughput pass. */
  loaded: number[];
  /** Per lifecycle of the throughput phase, from the histories and the statistics after the drain. */
  underLoad: Work & { lifecycles: number };
  /** The counting pass: per transition kind, summed over `countLifecycles`. */
  work: Record<Step, Work>;
  countLifecycles: number;
  workerSettings: string;
  drainSeconds: number;
  /** Workflows not settled when the drain gave up. */
  unsettled: number;
}

export const emptyWork = (): Work => ({ workflowTasks: 0, activityTasks: 0, localActivities: 0, events: 0, sql: 0, sqlWrites: 0 });
