/** The one-line verdict (the same line `check` ends with) and what happened to it (saved, copied). */
import { Box, Text } from 'ink';
import type { SessionState } from '../session/session-state.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';

export function VerdictBar({ state }: { state: SessionState }) {
  const theme = useTheme();
  const v = state.verdict;
  if (!v) return null;
  return (
    <Box flexDirection="column">
      <Text bold wrap="wrap" {...tint(theme, v.status === 'ok' ? theme.status.ok : theme.status.error)}>
        {v.line}
      </Text>
      {state.savedReport ? <Text wrap="truncate-end">report saved to {state.savedReport} (mode 0600)</Text> : null}
      {state.saveError ? <Text {...tint(theme, theme.status.error)}>could not save the report: {state.saveError}</Text> : null}
      {state.copied === 'clipboard' ? <Text>verdict copied to the clipboard</Text> : null}
      {state.copied === 'on-quit' ? <Text>no clipboard tool found: the verdict is printed when you quit</Text> : null}
    </Box>
  );
}
