/** One line of the checklist: status glyph, label, and a dim detail underneath. */
import { Box, Text } from 'ink';
import type { ChecklistItem as Item } from '../session/session-state.js';
import { GLYPHS, tint } from './theme.js';
import { useTheme } from './theme-context.js';

export function ChecklistItem({ item, glyph }: { item: Item; glyph?: string }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text {...tint(theme, theme.status[item.status])} bold>
          {glyph ?? GLYPHS[item.status]}
        </Text>{' '}
        {item.label}
      </Text>
      {item.detail ? (
        <Box paddingLeft={2}>
          <Text dimColor={theme.dim} wrap="truncate-end">
            {item.detail}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
