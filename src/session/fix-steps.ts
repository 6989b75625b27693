/** The fix view's model: the root cause's fix as steps (edit, restart, command, re-check), redacted. */
import { redact } from '../report/redact.js';
import type { SessionState } from './session-state.js';

export interface FixStep {
  kind: 'edit' | 'restart' | 'command' | 'recheck';
  text: string;
  done: boolean;
}

/** The root cause's fix as steps: the line to edit, the edits and commands, the restart, the re-check. */
export function fixSteps(s: Pick<SessionState, 'verdict' | 'fixDone'>): FixStep[] {
  const rc = s.verdict?.rootCause;
  if (!rc) return [];
  const steps: Array<Omit<FixStep, 'done'>> = [];
  const at = rc.evidence.find((e) => e.kind === 'file' && e.line);
  if (at) steps.push({ kind: 'edit', text: `edit this line: ${at.source}:${at.line}${at.text ? `  ${at.text.split('\n')[0]}` : ''}` });
  for (const f of rc.fix) {
    const kind: FixStep['kind'] = /\brestart\b/.test(f) ? 'restart' : /^(edit|add|set|remove|move|fix|use|create|rename|put|change|write|delete)\b/i.test(f) ? 'edit' : 'command';
    steps.push({ kind, text: kind === 'restart' && !/^restart/.test(f) ? `restart containerd: ${f}` : f });
  }
  steps.push({ kind: 'recheck', text: 're-run the trace and re-check (r)' });
  return steps.map((st, i) => ({ ...redactStep(st), done: s.fixDone.includes(i) }));
}

function redactStep<T extends { text: string }>(st: T): T {
  return { ...st, text: redact(st.text) };
}
