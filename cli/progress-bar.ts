// A one-line progress bar redrawn with \r on a terminal; silent otherwise, so
// logs and pipes get only the command's summary.

const WIDTH = 30;
const REDRAW_EVERY_MS = 100;

/** "[#######.......]  1234/5000  24%  812 msg/s" */
export function progressLine(done: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(done).padStart(String(total).length)}/${total} ${String(Math.floor(fraction * 100)).padStart(3)}% ${rate} msg/s`;
}

export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = -Infinity;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    if (!this.stream.isTTY) return;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_EVERY_MS && done < this.total) return;
    this.lastDraw = now;
    this.stream.write(`\r${progressLine(done, this.total, now - this.started)}`);
  }

  /** Clears the bar's line. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[2K');
  }
}
