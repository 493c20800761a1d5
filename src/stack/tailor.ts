import type { RecordedResponse } from '../http/types.js';
import type { Finding, Target } from '../types.js';
import { detectStacks, observationsOf } from './detect.js';
import { loadStacks } from './registry.js';
import type { StackPack, StackReport } from './types.js';

/**
 * After the checks: which stacks the report is tailored to (the config's `stack:` wins over
 * detection), and on each finding to act on, how each of those stacks fixes its verdict.
 * A verdict no chosen pack has an entry for keeps its own remediation only.
 */
export async function tailorToStack(
  target: Target,
  recorded: Iterable<RecordedResponse>,
  findings: Finding[],
  notes: string[] = [],
): Promise<StackReport> {
  const packs = await loadStacks();
  const detected = detectStacks(packs, observationsOf(recorded, target.discovered));
  const named = target.stack ?? [];
  const stack: StackReport = named.length
    ? {
        source: 'config',
        stacks: named.flatMap((id) => {
          const pack = packs.find((p) => p.id === id);
          return pack ? [{ id, name: pack.name, kind: pack.kind, evidence: ['named in the config (stack:)'] }] : [];
        }),
      }
    : { source: 'detected', stacks: detected };
  // The config wins, but a stack the answers show and the config does not name may mean a wrong stack: say so.
  const unnamed = named.length ? detected.filter((match) => !named.includes(match.id)) : [];
  for (const match of unnamed)
    notes.push(
      `stack: in the config names ${named.join(', ')}, but the answers look like ${match.name} too (${match.evidence.join('; ')}); fixes are tailored to the config's stack only`,
    );
  const chosen = stack.stacks.map((match) => packs.find((pack) => pack.id === match.id)).filter((p): p is StackPack => p !== undefined);
  for (const finding of findings) {
    if (finding.status !== 'fail' && finding.status !== 'warn' && finding.status !== 'waived') continue;
    const tailored = chosen.flatMap((pack) => {
      const entry = pack.fixes[finding.id];
      return entry ? [{ stack: pack.id, name: pack.name, ...entry }] : [];
    });
    if (tailored.length) finding.stackRemediation = tailored;
  }
  return stack;
}
