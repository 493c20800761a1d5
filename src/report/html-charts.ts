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

/**
 * A histogram of the samples with p50/p95/p99 marked: the shape shows what percentiles hide
 * (a second hump is a cache miss path or a lock, a long tail is queueing).
 */
export function histogram(series: LatencySeries, title: string): string {
  const samples = series.samplesMs;
  const { start, width, bins } = binning(samples[0]!, samples[samples.length - 1]!, samples.length);
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
${bars}${markers}${axis}
</svg>
<p class="legend" aria-hidden="true">${legend}</p>`;
}

function markerValues(series: LatencySeries): Array<readonly ['p50' | 'p95' | 'p99', number]> {
  return [
    ['p50', series.p50],
    ['p95', series.p95],
    ['p99', series.p99],
  ];
}
