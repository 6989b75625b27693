/** `?`: every key of the walkthrough. */
import { Box, Text } from 'ink';

const KEYS: Array<[string, string]> = [
  ['↑ ↓', 'move (refs, findings, requests, fix steps); scroll an expanded finding'],
  ['Enter', 'choose a ref · expand/collapse a finding or a request · mark a fix step done'],
  ['t', 'trace timeline per path (← → or Tab switch paths)'],
  ['f', 'fix steps for the root cause'],
  ['c', 'back to the checklist'],
  ['r', 're-run the trace and re-check'],
  ['s', 'save the Markdown report (mode 0600)'],
  ['y', 'copy the verdict; in the fix view the selected step (OSC 52 too)'],
  ['q  Ctrl-C', 'quit (stops a running pull and cleans up)'],
  ['Esc', 'quit from the ref chooser'],
  ['Ctrl-U', 'clear the typed ref (a pasted ref lands there; Enter runs it)'],
  ['?', 'close this help'],
];

export function KeyHelp() {
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {KEYS.map(([k, d]) => (
        <Text key={k} wrap="truncate-end">
          {'  '}
          {k.padEnd(11)} {d}
        </Text>
      ))}
    </Box>
  );
}
