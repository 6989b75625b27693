/** The fix for the root cause, step by step; Enter marks a step done, r re-runs and re-checks. */
import { Box, Text } from 'ink';
import { fixSteps } from '../session/fix-steps.js';
import type { SessionState } from '../session/session-state.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';

const KIND: Record<string, string> = { edit: 'edit', restart: 'restart', command: 'run', recheck: 'check' };

export function FixSteps({ state }: { state: SessionState }) {
  const theme = useTheme();
  const rc = state.verdict?.rootCause;
  if (!rc) return <Text>Nothing to fix: {state.verdict?.summary ?? 'no verdict yet'}.</Text>;
  const steps = fixSteps(state);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        Fix <Text bold>{rc.id}</Text>: {rc.title}
      </Text>
      {steps.map((s, i) => {
        const sel = i === state.fixSelected;
        const [first, ...rest] = s.text.split('\n');
        return (
          <Box key={i} flexDirection="column">
            <Text wrap="truncate-end" bold={sel}>
              {sel ? '❯ ' : '  '}
              <Text {...tint(theme, s.done ? theme.status.ok : theme.status.info)}>{s.done ? '✓' : `${i + 1}.`}</Text> [{KIND[s.kind]}] {first}
            </Text>
            {rest.slice(0, sel ? 6 : 0).map((l, j) => (
              <Text key={j} wrap="truncate-end">
                {'       '}
                {l}
              </Text>
            ))}
          </Box>
        );
      })}
      <Text dimColor={theme.dim} wrap="truncate-end">
        docs: {rc.docs}
      </Text>
      <Text dimColor={theme.dim}>↑↓ step · Enter done · r re-run the trace and re-check · c checklist</Text>
    </Box>
  );
}
