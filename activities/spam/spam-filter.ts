import type { Outcome, SpamScore, Verdict } from './classifier';
import type { MessageForTokens } from './tokenize';

export type { MessageForTokens, Outcome, SpamScore, Verdict };

/**
 * The spam filter as the intake and the API use it. Its word list lives in
 * PostgreSQL; a worker keeps it in memory.
 */
export interface SpamFilter {
  /** Score, outcome (spam | unsure | ham) and the ten most telling tokens. */
  score(message: MessageForTokens): Promise<SpamScore>;
  /**
   * Learns a message under a stable key (e.g. `raw:<rawMessageId>` or `article:<id>`).
   * The same key and verdict twice counts once; the other verdict moves its counts.
   */
  train(key: string, message: MessageForTokens, verdict: Verdict): Promise<void>;
}
