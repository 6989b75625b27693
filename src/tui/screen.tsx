/**
 * The whole walkthrough for one session state: in `<Static>` (printed once, scrolling up) the
 * run's header then its finished steps and pulls; then the live area — the header until a run
 * starts, the chooser or what is running, the findings, the trace or fix view, the verdict, the
 * keys. Renders state only.
 */
import { Box, Static, Text } from 'ink';
import { isHeader, type SessionState } from '../session/session-state.js';
import { Activity } from './activity.js';
import { ChecklistItem } from './checklist-item.js';
import { FindingsList } from './findings-list.js';
import { FixSteps } from './fix-steps.js';
import { Header } from './header.js';
import { KeyHelp } from './key-help.js';
import { KeyHints } from './key-hints.js';
import { ClientChooser } from './client-chooser.js';
import { RefChooser } from './ref-chooser.js';
import { makeTheme } from './theme.js';
import { ThemeContext } from './theme-context.js';
import { TraceTimeline } from './trace-timeline.js';
import { VerdictBar } from './verdict-bar.js';

export interface ScreenProps {
  state: SessionState;
  /** columns to lay out in (80 or more) */
  width: number;
  color: boolean;
}

export function Screen({ state, width, color }: ScreenProps) {
  const theme = makeTheme(color);
  const main =
    state.view === 'help' ? (
      <KeyHelp />
    ) : state.phase === 'choosing' ? (
      <RefChooser state={state} />
    ) : state.phase === 'choosing-client' ? (
      <ClientChooser state={state} />
    ) : state.view === 'trace' ? (
      <TraceTimeline state={state} />
    ) : state.view === 'fix' ? (
      <FixSteps state={state} width={width} />
    ) : (
      <>
        <Activity state={state} />
        <FindingsList state={state} />
      </>
    );
  const started = state.phase !== 'detecting' && state.phase !== 'choosing';
  return (
    <ThemeContext.Provider value={theme}>
      <Static items={state.finished}>
        {(item) => (
          <Box key={item.key} width={width}>
            {isHeader(item) ? <Header setup={item.header} image={item.image} /> : <ChecklistItem item={item} />}
          </Box>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        {started ? (
          // the live area under what has scrolled up, full width (follows a resize at once)
          <Text dimColor={theme.dim}>{'─'.repeat(width)}</Text>
        ) : (
          <Header setup={state.setup} image={state.ref} />
        )}
        {main}
        {state.phase === 'failed' ? (
          <Text color={color ? 'red' : undefined} wrap="wrap">
            ✗ mirror-doctor could not finish: {state.error}
          </Text>
        ) : null}
        {state.view !== 'help' ? <VerdictBar state={state} /> : null}
        <KeyHints state={state} />
      </Box>
    </ThemeContext.Provider>
  );
}
