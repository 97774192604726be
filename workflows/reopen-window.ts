// The reopen window, in one place: the ticket's rules, its workflow, the API
// and the intake's threading all ask this, so at no instant do they disagree.
// Pure: bundled into the workflow sandbox and imported by the API and activities.

/**
 * A follow-up reopens a closed ticket until `closedAt + windowMs` (exclusive);
 * from that instant on, the window is over: the workflow ends and a follow-up
 * starts a new ticket that refers to the old one. Without a closing time we
 * cannot prove the close is recent: the window counts as over (a new ticket loses nothing).
 */
export function reopenWindowOver(closedAt: string | undefined, nowMs: number, windowMs: number): boolean {
  if (!closedAt) return true;
  const closedMs = Date.parse(closedAt);
  if (!Number.isFinite(closedMs)) return true;
  return nowMs >= closedMs + windowMs;
}
