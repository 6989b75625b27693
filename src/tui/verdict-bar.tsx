/** The one-line verdict (the same line `check` ends with) and what happened to it (saved, copied). */
import { Box, Text } from 'ink';
import type { Copied, SessionState } from '../session/session-state.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';

export function copiedText(c: Copied): string {
  if (c.to === 'clipboard') return `${c.what} copied to the clipboard`;
  if (c.to === 'terminal') return `${c.what} sent to the terminal's clipboard (OSC 52; in tmux: set -g set-clipboard on); printed again when you quit`;
  return `no clipboard found: the ${c.what} is printed when you quit`;
}

export function VerdictBar({ state }: { state: SessionState }) {
  const theme = useTheme();
  const v = state.verdict;
  if (!v) return null;
  return (
    <Box flexDirection="column">
      <Text bold wrap="wrap" {...tint(theme, v.status === 'ok' ? theme.status.ok : theme.status.error)}>
        {v.line}
      </Text>
      {state.savedReport ? <Text wrap="wrap">report saved to {state.savedReport} (mode 0600)</Text> : null}
      {state.saveError ? <Text {...tint(theme, theme.status.error)}>could not save the report: {state.saveError}</Text> : null}
      {state.copied ? <Text wrap="wrap">{copiedText(state.copied)}</Text> : null}
    </Box>
  );
}
