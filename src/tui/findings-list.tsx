/** The findings of the checklist: one line each, the selected one expanded with Enter (layout: finding-lines.ts). */
import { Box, Text } from 'ink';
import { findingsWindow } from '../session/finding-lines.js';
import type { SessionState } from '../session/session-state.js';
import { GLYPHS, tint } from './theme.js';
import { useTheme } from './theme-context.js';

export function FindingsList({ state }: { state: SessionState }) {
  const theme = useTheme();
  if (!state.findings.length) return null;
  const settled = state.phase === 'verdict' || state.phase === 'failed';
  const w = findingsWindow(state);
  return (
    <Box flexDirection="column">
      {w.above ? <Text dimColor={theme.dim}>{`  ↑ ${w.above} more line${w.above === 1 ? '' : 's'}`}</Text> : null}
      {w.lines.map((l, i) => {
        const sel = settled && l.finding === state.findingSelected;
        return (
          <Text key={i} wrap="truncate-end" bold={sel && l.title}>
            {l.title && sel ? '❯ ' : '  '}
            {l.title ? <Text {...tint(theme, theme.status[l.severity])}>{GLYPHS[l.severity]}</Text> : ' '}{' '}
            <Text dimColor={!l.title && !(sel && state.findingExpanded) && theme.dim}>{l.text}</Text>
          </Text>
        );
      })}
      {w.below ? <Text dimColor={theme.dim}>{`  ↓ ${w.below} more line${w.below === 1 ? '' : 's'}`}</Text> : null}
    </Box>
  );
}
