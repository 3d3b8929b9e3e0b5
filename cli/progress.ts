import type { LoadProgress } from '../shared/state/load.js';

/** stderr as far as drawing goes. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Redraws at most this often: a fast load answers hundreds of calls a second. */
const FRAME_MS = 80;

/**
 * A one-line progress bar for a snapshot load, drawn on stderr and only when stderr is a
 * terminal: piped or redirected output (and --json) gets nothing but the result. The total is the
 * cluster's own count from DescribeClusters (instances, plus RUNNING and PENDING tasks), so the bar
 * is an estimate: tasks come and go during the load, and it never shows 100% before the end.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether to draw at all: a terminal, and a person reading rather than a script. */
  static wanted(stream: ProgressStream, json: boolean): boolean {
    return stream.isTTY === true && !json;
  }

  /** A terminal that reports no width (0, as a bare pseudo-terminal does) is taken as 80 columns. */
  update(progress: LoadProgress): void {
    const now = this.now();
    if (this.drawn && now - this.lastDraw < FRAME_MS) return;
    this.lastDraw = now;
    this.drawn = true;
    this.stream.write(`\r\x1b[2K${renderProgress(this.label, progress, this.stream.columns || 80)}`);
  }

  /** Clears the line, so the result (or an error) starts on a clean one. */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/** The bar's text: `loading prod [#####-----]  52%  250/480 instances  1200/2100 tasks  ListTasks page 12`. */
export function renderProgress(label: string, progress: LoadProgress, columns: number): string {
  const counts = `${progress.instances}${progress.expected ? `/${progress.expected.instances}` : ''} instances  ${progress.tasks}${progress.expected ? `/${progress.expected.tasks}` : ''} tasks`;
  const total = progress.expected ? progress.expected.instances + progress.expected.tasks : 0;
  let bar = '';
  if (total > 0) {
    const fraction = Math.min(0.99, (progress.instances + progress.tasks) / total);
    const width = 20;
    const filled = Math.floor(fraction * width);
    bar = ` [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(2)}%`;
  }
  const text = `loading ${label}${bar}  ${counts}  ${progress.call}`;
  // Never wrap: a wrapped line cannot be redrawn in place.
  return text.length < columns ? text : text.slice(0, Math.max(0, columns - 1));
}
