// Inline SVG for the HTML report: the score gauge, per-item score bars and latency histograms.
// Colours come from CSS classes (html-style.ts), so light and dark themes apply to charts too.
import type { Grade } from './types.js';
import { escapeMarkup as esc } from './escape.js';
import type { LatencySeries } from './latency.js';

const num = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Milliseconds for a reader: one decimal below 10 ms (where it matters), whole numbers above. */
export const ms = (n: number): string => `${n < 10 ? num(n) : Math.round(n)} ms`;

function gradeClass(grade: Grade, score: number | null): string {
  if (score === null) return 'c-skip';
  return grade === 'A' || grade === 'B' ? 'c-pass' : grade === 'F' ? 'c-fail' : 'c-warn';
}

/** A ring filled to the score, the score in the middle and the grade under it. */
export function gauge(score: number | null, grade: Grade): string {
  const r = 52;
  const circumference = 2 * Math.PI * r;
  const filled = ((score ?? 0) / 100) * circumference;
  const label = score === null ? 'No score' : `Score ${score} of 100, grade ${grade}`;
  return `<svg class="gauge" viewBox="0 0 120 120" width="136" height="136" role="img" aria-label="${esc(label)}">
<circle class="gauge-track" cx="60" cy="60" r="${r}"/>
<circle class="gauge-arc ${gradeClass(grade, score)}" cx="60" cy="60" r="${r}" stroke-dasharray="${num(filled)} ${num(circumference)}" transform="rotate(-90 60 60)"/>
<text class="gauge-score" x="60" y="62" text-anchor="middle">${score ?? '–'}</text>
<text class="gauge-grade" x="60" y="86" text-anchor="middle">grade ${esc(grade)}</text>
</svg>`;
}

/** A thin bar for an item's score in the checklist table. */
export function scoreBar(score: number | null, statusClass: string): string {
  if (score === null) return '<span class="muted">–</span>';
  return `<svg class="bar" viewBox="0 0 100 8" width="80" height="8" aria-hidden="true"><rect class="bar-track" width="100" height="8" rx="4"/><rect class="bar-fill ${statusClass}" width="${Math.max(score, 2)}" height="8" rx="4"/></svg> <span class="bar-num">${score}</span>`;
}

const W = 640;
const H = 230;
/** Each percentile label has its own row above the plot, a row taller than the label's text, so labels never overlap. */
const LABEL_ROW = 15;
const PAD = { left: 40, right: 16, top: 14 + 3 * LABEL_ROW, bottom: 30 };

/** Bins whose width is a round number of ms (1, 2, 2.5, 5 × 10ⁿ), about 2√n of them, 8 to 40. */
function binning(min: number, max: number, count: number): { start: number; width: number; bins: number } {
  const target = Math.min(40, Math.max(8, Math.ceil(2 * Math.sqrt(count))));
  const span = Math.max(max - min, 1);
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((w) => w >= raw) ?? 10 * magnitude;
  const start = Math.floor(min / width) * width;
  return { start, width, bins: Math.max(1, Math.ceil((max - start) / width + 1e-9)) };
}

/** Fewer samples than this make no histogram: the page lists them ("n = 2 samples: 12 ms, 15 ms"). */
export const MIN_HISTOGRAM_SAMPLES = 5;
/** A budget further out than this many times the slowest sample is marked at the right edge, not drawn to scale. */
const THRESHOLD_REACH = 3;

/**
 * A histogram of the samples with p50/p95/p99 marked and the p95/p99 budget drawn: the shape shows
 * what percentiles hide (a second hump is a cache miss path or a lock, a long tail is queueing), and
 * the x-axis starts at 0 so 1203–1208 ms reads as one tight cluster far from 0, not as spread.
 */
export function histogram(series: LatencySeries, title: string): string {
  const samples = series.samplesMs;
  if (samples.length < MIN_HISTOGRAM_SAMPLES) {
    const listed = samples.map(ms).join(', ');
    return `<p class="few-samples" data-n="${samples.length}">n = ${samples.length} sample${samples.length === 1 ? '' : 's'}: ${esc(listed)}; too few for a histogram${budgetText(series)}</p>`;
  }
  const slowest = samples[samples.length - 1]!;
  const budgets = thresholdLines(series);
  const drawn = budgets.filter((b) => b.ms <= THRESHOLD_REACH * slowest);
  const { start, width, bins } = binning(0, Math.max(slowest, ...drawn.map((b) => b.ms)), samples.length);
  const counts = new Array<number>(bins).fill(0);
  for (const s of samples) counts[Math.min(bins - 1, Math.floor((s - start) / width))]!++;
  const top = Math.max(...counts);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const end = start + bins * width;
  const x = (ms: number): number => PAD.left + ((ms - start) / (end - start)) * plotW;
  const barW = plotW / bins;

  const bars = counts
    .map((count, i) => {
      if (!count) return '';
      const h = (count / top) * plotH;
      const from = start + i * width;
      return `<rect class="hist-bar" x="${num(PAD.left + i * barW + 1)}" y="${num(PAD.top + plotH - h)}" width="${num(Math.max(barW - 2, 1))}" height="${num(h)}"><title>${count} request${count > 1 ? 's' : ''} took ${num(from)}–${num(from + width)} ms</title></rect>`;
    })
    .join('');

  // Labels on rows of their own (LABEL_ROW apart), so equal or close percentiles never print over each other.
  const markers = markerValues(series)
    .map(([name, value], row) => {
      const at = num(Math.min(x(value), W - PAD.right));
      const anchor = x(value) > W - 90 ? 'end' : 'start';
      const dx = anchor === 'end' ? -3 : 3;
      return `<line class="marker m-${name}" x1="${at}" x2="${at}" y1="${PAD.top - 4 - (2 - row) * LABEL_ROW}" y2="${PAD.top + plotH}"/><text class="marker-label m-${name}" x="${at}" dx="${dx}" y="${PAD.top - 6 - (2 - row) * LABEL_ROW}" text-anchor="${anchor}">${name} ${ms(value)}</text>`;
    })
    .join('');

  // The budget: solid lines at p95Ms and p99Ms, or a mark at the right edge when it is far beyond the samples.
  const thresholds = budgets
    .map((budget, row) => {
      const inside = budget.ms <= end;
      const at = num(inside ? x(budget.ms) : W - PAD.right);
      const label = `${budget.name} budget ${ms(budget.ms)}${inside ? '' : ' →'}`;
      return `<line class="threshold t-${budget.name}" data-ms="${budget.ms}" x1="${at}" x2="${at}" y1="${PAD.top}" y2="${PAD.top + plotH}"><title>${esc(label)}</title></line><text class="threshold-label t-${budget.name}" x="${at}" dx="-3" y="${PAD.top + 12 + row * 13}" text-anchor="end">${esc(label)}</text>`;
    })
    .join('');

  const axis = [start, start + (end - start) / 2, end]
    .map(
      (value, i) =>
        `<text class="axis" x="${num(x(value))}" y="${H - 10}" text-anchor="${['start', 'middle', 'end'][i]}">${ms(value)}</text>`,
    )
    .join('');

  // On a phone the chart shrinks to half its width; the percentile labels then move to the HTML legend under it.
  const legend = markerValues(series)
    .map(([name, value]) => `<span class="m-${name}">${name} ${ms(value)}</span>`)
    .join(' ');
  return `<svg class="hist" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">
<title>${esc(title)}</title>
<line class="axis-line" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>
<text class="axis" x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${top}</text><text class="axis" x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>
${bars}${thresholds}${markers}${axis}
</svg>
<p class="legend" aria-hidden="true">${legend}${budgets.map((b) => ` <span class="t-${b.name}">${b.name} budget ${ms(b.ms)}</span>`).join('')}</p>`;
}

function thresholdLines(series: LatencySeries): Array<{ name: 'p95' | 'p99'; ms: number }> {
  const out: Array<{ name: 'p95' | 'p99'; ms: number }> = [];
  if (series.thresholds?.p95Ms) out.push({ name: 'p95', ms: series.thresholds.p95Ms });
  if (series.thresholds?.p99Ms) out.push({ name: 'p99', ms: series.thresholds.p99Ms });
  return out;
}

function budgetText(series: LatencySeries): string {
  const budgets = thresholdLines(series);
  return budgets.length ? ` (budget: ${budgets.map((b) => `${b.name} ${ms(b.ms)}`).join(', ')})` : '';
}

function markerValues(series: LatencySeries): Array<readonly ['p50' | 'p95' | 'p99', number]> {
  return [
    ['p50', series.p50],
    ['p95', series.p95],
    ['p99', series.p99],
  ];
}
