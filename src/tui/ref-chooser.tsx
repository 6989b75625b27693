/** Type-ahead over the registries in the hosts folders and recent refs; arrows and Enter. */
import { Box, Text } from 'ink';
import { filteredChoices } from '../session/ref-choices.js';
import type { SessionState } from '../session/session-state.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';

const VISIBLE = 8;

export function RefChooser({ state }: { state: SessionState }) {
  const theme = useTheme();
  const list = filteredChoices(state);
  const start = Math.max(0, Math.min(state.selected - VISIBLE + 1, list.length - VISIBLE));
  return (
    <Box flexDirection="column">
      <Text bold>Which image should containerd pull?</Text>
      <Text wrap="truncate-end">
        {'> '}
        {state.query}
        <Text inverse={theme.color}>{theme.color ? ' ' : '_'}</Text>
      </Text>
      {list.length === 0 ? <Text dimColor={theme.dim}>type an image reference, e.g. docker.io/library/nginx:latest</Text> : null}
      {list.slice(start, start + VISIBLE).map((c, i) => {
        const sel = start + i === state.selected;
        return (
          <Text key={c} wrap="truncate-end" {...(sel ? tint(theme, theme.accent) : {})} bold={sel}>
            {sel ? '❯ ' : '  '}
            {c}
          </Text>
        );
      })}
      <Text dimColor={theme.dim}>↑↓ choose · type to filter or enter a ref · Enter run · Esc quit</Text>
    </Box>
  );
}
