/** The bottom line: the keys that do something in the current state. */
import { Text } from 'ink';
import type { SessionState } from '../session/session-state.js';
import { useTheme } from './theme-context.js';

export function keyHints(s: SessionState): string {
  if (s.phase === 'choosing' || s.phase === 'choosing-client') return '';
  if (s.view === 'help') return '? or Esc close help';
  const keys: string[] = [];
  if (s.phase === 'verdict') {
    if (s.view === 'checklist' && s.findings.length) keys.push(s.findingExpanded ? '↑↓ Enter collapse' : '↑↓ Enter expand');
    if (s.verdict?.rootCause) keys.push('f fix');
    keys.push('t trace', 's save report', s.view === 'fix' && s.verdict?.rootCause ? 'y copy step' : 'y copy verdict', 'r re-run');
  } else if (s.phase === 'failed') keys.push('r re-run');
  else if (s.paths.length) keys.push('t trace');
  keys.push('q quit', '? help');
  return keys.join(' · ');
}

export function KeyHints({ state }: { state: SessionState }) {
  const theme = useTheme();
  const hints = keyHints(state);
  return hints ? (
    <Text dimColor={theme.dim} wrap="wrap">
      {hints}
    </Text>
  ) : null;
}
