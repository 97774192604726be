// The console's Server-Sent Events stream. Every tab's stream reads the one
// in-process feed (./desk-changes), never the database, so tabs are cheap.
//
//   event: hello     id: <current seq>  data: {"seq":<current seq>}
//   event: changed   id: <seq>          data: ["20250101-00001", ...]   or ["*"]: refresh everything
//
// A reconnecting EventSource sends Last-Event-ID; what it missed is replayed
// from the feed's buffer, or replaced by one ["*"] when the buffer no longer
// reaches back that far (or the id is from before a restart).

import type { Context, Env } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { EVERYTHING, type DeskChange, type DeskChanges } from './desk-changes';

export interface DeskEventsOptions {
  /** A comment line this often keeps proxies and load balancers from closing an idle stream (default 25 000). */
  heartbeatMs?: number;
  /** Sent as the stream's `retry:`, the browser's reconnect delay; unset leaves the browser's default (about 3 s). */
  retryMs?: number;
  /**
   * Changes waiting for a slow client beyond this many are replaced by one
   * ["*"] (default 50): a stalled tab must not hold memory without bound, and
   * it has to refresh anyway.
   */
  maxQueued?: number;
}

export function deskEventsHandler<E extends Env = Env>(changes: DeskChanges, options: DeskEventsOptions = {}): (c: Context<E>) => Response {
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const maxQueued = options.maxQueued ?? 50;
  return (c) => {
    // nginx buffers responses by default, which would hold events back until its buffer fills.
    c.header('X-Accel-Buffering', 'no');
    // The header is what EventSource sends on reconnect. `?since=` lets a page
    // pass the seq it was rendered at, covering the moment between rendering
    // and the stream's first connect; the header, when present, is newer.
    const resumeFrom = c.req.header('Last-Event-ID') ?? c.req.query('since');
    return streamSSE(c, async (stream) => {
      const queue: DeskChange[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      let heartbeatDue = false;
      const poke = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      const end = () => {
        ended = true;
        poke();
      };

      // Subscribing and reading the position happen in one synchronous step,
      // so no change can fall between the replay and the live ones.
      const unsubscribe = changes.subscribe((change) => {
        queue.push(change);
        if (queue.length > maxQueued) queue.splice(0, queue.length, { seq: change.seq, numbers: [EVERYTHING] });
        poke();
      });
      const current = changes.seq;
      const replay = resumeFrom === undefined ? [] : missedSince(changes, resumeFrom, current);
      const offClose = changes.onClose(end);
      stream.onAbort(end);
      const heartbeat = setInterval(() => {
        heartbeatDue = true;
        poke();
      }, heartbeatMs);

      try {
        await stream.writeSSE({ event: 'hello', id: String(current), data: JSON.stringify({ seq: current }), retry: options.retryMs });
        for (const change of replay) await writeChange(stream, change);
        while (!ended && !stream.aborted) {
          if (queue.length > 0) {
            for (const change of queue.splice(0)) await writeChange(stream, change);
          } else if (heartbeatDue) {
            heartbeatDue = false;
            await stream.write(': heartbeat\n\n');
          } else {
            await new Promise<void>((resolve) => (wake = resolve));
          }
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
        offClose();
      }
    });
  };
}

/** What a client resuming from `lastEventId` missed; anything unreadable or unknown means "refresh everything". */
function missedSince(changes: DeskChanges, lastEventId: string, current: number): DeskChange[] {
  const seq = /^\d{1,16}$/.test(lastEventId.trim()) ? Number(lastEventId.trim()) : NaN;
  const missed = changes.since(seq);
  return missed === 'too-old' ? [{ seq: current, numbers: [EVERYTHING] }] : missed;
}

function writeChange(stream: SSEStreamingApi, change: DeskChange): Promise<void> {
  return stream.writeSSE({ event: 'changed', id: String(change.seq), data: JSON.stringify(change.numbers) });
}
