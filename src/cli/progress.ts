// A one-line progress bar on stderr, so stdout stays clean for tables and --json. When stderr
// is not a terminal (a log file), it writes a plain line every 10% instead of redrawing.
export interface Progress {
  tick(label?: string): void;
  done(): void;
}

const WIDTH = 30;

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60),
    s = Math.round(seconds % 60);
  return m ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function progressBar(total: number, title: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = performance.now();
  let count = 0;
  let lastDecile = -1;
  const line = (label: string) => {
    const frac = total ? count / total : 1;
    const filled = Math.round(frac * WIDTH);
    const elapsed = (performance.now() - start) / 1000;
    const left = count ? (elapsed / count) * (total - count) : NaN;
    return `${title} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${count}/${total} eta ${eta(left)} ${label}`;
  };
  return {
    tick(label = '') {
      count++;
      if (stream.isTTY) {
        stream.write(`\r${line(label).slice(0, (stream.columns || 100) - 1)}\x1b[K`);
      } else {
        const decile = Math.floor((count / Math.max(1, total)) * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${line(label)}\n`);
        }
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
