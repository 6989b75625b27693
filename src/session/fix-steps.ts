/**
 * The fix view's model: the root cause's fix as steps, each labelled by what it is — a command to
 * run, an edit of a file, a note to read — and whether it restarts the daemon (only a step that
 * does: hosts.toml edits need none), redacted. Done marks belong to one fix (see fixStepKey).
 */
import { redact } from '../report/redact.js';
import type { SessionState } from './session-state.js';

export type FixStepKind = 'command' | 'edit' | 'note' | 'recheck';

export interface FixStep {
  kind: FixStepKind;
  /** the step restarts containerd (or the distribution that runs it) */
  restart: boolean;
  /** an alternative to the step before it ("or …"): shown without a number */
  alternative: boolean;
  /** the number shown (an alternative has its step's number) */
  number: number;
  /** the whole step, every line (what `y` copies) */
  text: string;
  done: boolean;
  /** identifies the step within its fix, for the done marks */
  key: string;
}

// the first word of a shell command the checks write as a fix
const COMMANDS = /^(sudo\s+)?(ctr|crictl|nerdctl|curl|mkdir|mv|cp|rm|chmod|chown|ls|cat|grep|systemctl|journalctl|containerd|mirror-doctor|getent|openssl|ip|snap|k3s|rke2|kubectl|update-ca-certificates|\$EDITOR)\b/;
// a command that restarts the daemon (restartCommand in src/checks/make.ts writes these)
const RESTART_COMMAND = /\b(systemctl\s+(restart|try-restart|reload-or-restart)|snap\s+restart|service\s+\S+\s+restart)\b/;
const RESTART_WORDS = /\brestart(s|ing)?\b/i;
const NO_RESTART = /\b(no|without( a)?|need(s)? no|nor a) restart\b/i;
const EDIT_VERBS = /^(edit|add|set|remove|delete|move|fix|create|rename|put|change|write|replace|repeat|in)\b/i;
const FILE_OR_SETTING = /\/[\w.-]+|\b[\w-]+\.(toml|yaml|yml|conf|crt)\b| = |\n/;

/** What a fix line is, from its wording: a command, an edit of a file, or a note. */
export function classifyFix(text: string): Pick<FixStep, 'kind' | 'restart' | 'alternative' | 'text'> {
  const alt = /^or\b:?\s*/i.exec(text);
  const body = alt ? text.slice(alt[0].length) : text;
  const first = body.split('\n')[0]!.trim();
  const kind: FixStepKind = COMMANDS.test(first) ? 'command' : EDIT_VERBS.test(first) && FILE_OR_SETTING.test(body) ? 'edit' : 'note';
  const restart = RESTART_COMMAND.test(body) || (RESTART_WORDS.test(body) && !NO_RESTART.test(body));
  return { kind, restart, alternative: !!alt, text: body };
}

/** A step's identity within its fix: the same root cause and wording keep a done mark across re-runs, nothing else does. */
export function fixStepKey(rootCauseId: string, text: string): string {
  return `${rootCauseId}\u0000${text}`;
}

/** The root cause's fix as steps: the line to edit, the edits, commands and notes, the re-check. */
export function fixSteps(s: Pick<SessionState, 'verdict' | 'fixDone'>): FixStep[] {
  const rc = s.verdict?.rootCause;
  if (!rc) return [];
  const steps: Array<Omit<FixStep, 'done' | 'key' | 'number'>> = [];
  const fixes = rc.fix.map((f) => classifyFix(redact(f)));
  // the line to edit, only when the fix edits a file: a line the fix leaves alone is already right
  const at = rc.evidence.find((e) => e.kind === 'file' && e.line);
  if (at && fixes.some((f) => f.kind === 'edit')) steps.push({ kind: 'edit', restart: false, alternative: false, text: `edit this line: ${at.source}:${at.line}${at.text ? `  ${at.text.split('\n')[0]}` : ''}` });
  steps.push(...fixes);
  steps.push({ kind: 'recheck', restart: false, alternative: false, text: 're-run the trace and re-check (r)' });
  let number = 0;
  return steps.map((st) => {
    const text = redact(st.text);
    const key = fixStepKey(rc.id, text);
    if (!st.alternative || number === 0) number++;
    return { ...st, text, key, number, done: s.fixDone.includes(key) };
  });
}
