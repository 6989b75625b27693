/**
 * The fix for the root cause, step by step, each shown whole (wrapped, never cut): the selected
 * step with every line, the others with their first. Enter marks a step done, y copies it, r re-runs.
 */
import { Box, Text } from 'ink';
import { fixSteps, type FixStep } from '../session/fix-steps.js';
import type { SessionState } from '../session/session-state.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';
import { wrapWords } from '../report/wrap-words.js';

/** The label of a step: what it is, or that it restarts the daemon. */
export function stepLabel(s: FixStep): string {
  if (s.kind === 'recheck') return 'check';
  if (s.restart) return 'restart';
  return s.kind === 'command' ? 'run' : s.kind;
}

export function FixSteps({ state, width }: { state: SessionState; width: number }) {
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
            {wrapWords(`[${stepLabel(s)}] ${first}${!sel && rest.length ? ` (+${rest.length} lines)` : ''}`, width - lead.length).map((l, j) => (
              <Text key={j} wrap="wrap" bold={sel}>
                {j === 0 ? (
                  <>
                    {sel ? '❯ ' : '  '}
                    <Text {...tint(theme, s.done ? theme.status.ok : theme.status.info)}>{mark.padEnd(3)}</Text>{' '}
                  </>
                ) : (
                  ' '.repeat(lead.length)
                )}
                {l}
              </Text>
            ))}
            {sel
              ? rest.flatMap((l) => wrapWords(l, width - lead.length - 2)).map((l, j) => (
                  <Text key={`r${j}`} wrap="wrap">
                    {' '.repeat(lead.length + 2)}
                    {l}
                  </Text>
                ))
              : null}
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
