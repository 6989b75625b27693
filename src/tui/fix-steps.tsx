/**
 * The fix for the root cause, step by step, each shown whole (wrapped, never cut): the selected
 * step with every line, the others with their first. Enter marks a step done, y copies it, r re-runs.
 */
import { Box, Text } from 'ink';
import { fixSteps, type FixStep } from '../session/fix-steps.js';
import type { SessionState } from '../session/session-state.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';

/** The label of a step: what it is, or that it restarts the daemon. */
export function stepLabel(s: FixStep): string {
  if (s.kind === 'recheck') return 'check';
  if (s.restart) return 'restart';
  return s.kind === 'command' ? 'run' : s.kind;
}

export function FixSteps({ state }: { state: SessionState }) {
  const theme = useTheme();
  const rc = state.verdict?.rootCause;
  if (!rc) return <Text>Nothing to fix: {state.verdict?.summary ?? 'no verdict yet'}.</Text>;
  const steps = fixSteps(state);
  return (
    <Box flexDirection="column">
      <Text wrap="wrap">
        Fix <Text bold>{rc.id}</Text>: {rc.title}
      </Text>
      {steps.map((s, i) => {
        const sel = i === state.fixSelected;
        const [first, ...rest] = s.text.split('\n');
        const mark = s.done ? '✓' : s.alternative ? 'or' : `${s.number}.`;
        const lead = `${sel ? '❯ ' : '  '}${mark.padEnd(3)} `;
        return (
          <Box key={i} flexDirection="column">
            <Box>
              <Box flexShrink={0} width={lead.length}>
                <Text bold={sel}>
                  {sel ? '❯ ' : '  '}
                  <Text {...tint(theme, s.done ? theme.status.ok : theme.status.info)}>{mark.padEnd(3)}</Text>{' '}
                </Text>
              </Box>
              <Box flexGrow={1} flexShrink={1}>
                <Text wrap="wrap" bold={sel}>
                  [{stepLabel(s)}] {first}
                  {!sel && rest.length ? <Text dimColor={theme.dim}> (+{rest.length} lines)</Text> : null}
                </Text>
              </Box>
            </Box>
            {sel && rest.length ? (
              <Box paddingLeft={lead.length + 2} flexDirection="column">
                {rest.map((l, j) => (
                  <Text key={j} wrap="wrap">
                    {l === '' ? ' ' : l}
                  </Text>
                ))}
              </Box>
            ) : null}
          </Box>
        );
      })}
      <Text dimColor={theme.dim} wrap="wrap">
        docs: {rc.docs}
      </Text>
      <Text dimColor={theme.dim} wrap="wrap">
        ↑↓ step · y copy the step · Enter done · r re-run and re-check · c checklist
      </Text>
    </Box>
  );
}
