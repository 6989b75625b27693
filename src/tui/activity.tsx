/** The live part of the checklist: what is running now, with a spinner, and a note when slow. */
import { Box, Text } from 'ink';
import { currentActivity, runningItems } from '../session/checklist-items.js';
import type { SessionState } from '../session/session-state.js';
import { ChecklistItem } from './checklist-item.js';
import { spinnerFrame, tint } from './theme.js';
import { useTheme } from './theme-context.js';

export function Activity({ state }: { state: SessionState }) {
  const theme = useTheme();
  const now = currentActivity(state);
  if (!now) return null;
  const items = runningItems(state);
  const frame = spinnerFrame(state.now);
  return (
    <Box flexDirection="column">
      {items.length === 0 ? <ChecklistItem item={{ key: 'activity', status: 'running', label: now.label, detail: now.detail }} glyph={frame} /> : items.map((i) => <ChecklistItem key={i.key} item={i} glyph={frame} />)}
      {now.slow ? (
        <Text {...tint(theme, theme.status.warning)} wrap="truncate-end">
          {'  '}still {now.label} after {Math.floor(now.elapsedMs / 1000)} s: slow (a blackholed host waits for the stall timeout)
        </Text>
      ) : null}
    </Box>
  );
}
