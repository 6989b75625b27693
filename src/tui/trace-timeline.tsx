/** One pull path as a timeline: hosts tried in order, each outcome, the fallback arrows. */
import { Box, Text } from 'ink';
import type { SessionState } from '../session/session-state.js';
import { requestLines, timeline } from '../session/trace-timeline.js';
import { PATH_TITLES } from '../report/report-json.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';

const MAX_ROWS = 9;

export function TraceTimeline({ state }: { state: SessionState }) {
  const theme = useTheme();
  const p = state.paths[state.tracePath];
  if (!p) return <Text>No pulls were made{state.facts?.traceError ? `: ${state.facts.traceError}` : state.facts?.offline ? ' (offline)' : ''}.</Text>;
  const t = timeline(p);
  const start = Math.max(0, Math.min(state.traceAttempt - MAX_ROWS + 1, t.rows.length - MAX_ROWS));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {state.paths.map((x, i) => (
          <Text key={x.path} bold={i === state.tracePath} inverse={i === state.tracePath && theme.color}>
            {i === state.tracePath && !theme.color ? `[${PATH_TITLES[x.path]}]` : ` ${PATH_TITLES[x.path]} `}
            {'  '}
          </Text>
        ))}
      </Text>
      <Text dimColor={theme.dim} wrap="truncate-end">
        $ {t.command}
      </Text>
      <Text wrap="truncate-end">
        host directory: {t.hostsDir ?? 'none loaded'} · result: {t.outcome}
      </Text>
      {t.daemonLog ? (
        <Text dimColor={theme.dim} wrap="truncate-end">
          daemon log: {t.daemonLog}
        </Text>
      ) : null}
      {t.rows.length === 0 ? <Text dimColor={theme.dim}>no requests were seen</Text> : null}
      {t.rows.slice(start, start + MAX_ROWS).map((r) => {
        const sel = r.index === state.traceAttempt;
        return (
          <Box key={r.index} flexDirection="column">
            <Text wrap="truncate-end" bold={sel}>
              {sel ? '❯ ' : '  '}
              <Text {...tint(theme, r.ok ? theme.status.ok : theme.status.error)}>{r.ok ? '✓' : '✗'}</Text> {r.kind.padEnd(7)} {r.host}
              {r.mirror ? ' (mirror)' : ''} → {r.result}
            </Text>
            {r.redirect ? (
              <Text {...tint(theme, r.redirectOk ? theme.status.ok : theme.status.error)} wrap="truncate-end">
                {'    ↪ redirected '}
                {r.redirect}
              </Text>
            ) : null}
            {r.fallback ? (
              <Text {...tint(theme, theme.status.warning)} wrap="truncate-end">
                {'    ↓ '}
                {r.fallback}
              </Text>
            ) : null}
            {sel && state.traceExpanded ? (
              <Box flexDirection="column" paddingLeft={4} borderStyle="single" borderColor={theme.color ? 'gray' : undefined}>
                {requestLines(p, r.index).map((l, i) => (
                  <Text key={i} wrap="truncate-end" dimColor={theme.dim}>
                    {l}
                  </Text>
                ))}
              </Box>
            ) : null}
          </Box>
        );
      })}
      <Text wrap="wrap">
        {t.mirrorUsed === null ? '→ whether a mirror served it is unknown' : t.mirrorUsed ? `→ the mirror ${t.resolvedFrom ?? ''} served the manifest`.replace('  ', ' ') : `→ the mirror was not used${t.resolvedFrom ? ` (the manifest came from ${t.resolvedFrom})` : ''}`}
        {t.evidence ? ` (${t.evidence.level}: ${t.evidence.basis}${t.evidence.collect ? `; to know: ${t.evidence.collect}` : ''})` : ''}
      </Text>
      <Text dimColor={theme.dim}>←→/Tab path · ↑↓ request · Enter expand · c checklist · ? help</Text>
    </Box>
  );
}
