/** Which client did the user pull with? Asked when `--client` is not given; arrows (or 1-3) and Enter. */
import { Box, Text } from 'ink';
import { PULL_CLIENTS, type PullClient } from '../checks/facts.js';
import type { SessionState } from '../session/session-state.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';

const WHAT: Record<PullClient, string> = {
  cri: 'kubelet or crictl (CRI: reads config_path, or registry.mirrors)',
  ctr: 'ctr images pull (reads no hosts.toml without --hosts-dir)',
  nerdctl: 'nerdctl pull (its own hosts dirs: /etc/containerd/certs.d, /etc/docker/certs.d)',
};

export function ClientChooser({ state }: { state: SessionState }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>Which client pulled {state.ref ?? 'the image'} when the mirror was ignored?</Text>
      {PULL_CLIENTS.map((c, i) => {
        const sel = i === state.clientSelected;
        return (
          <Text key={c} wrap="truncate-end" {...(sel ? tint(theme, theme.accent) : {})} bold={sel}>
            {sel ? '❯ ' : '  '}
            {i + 1}. {c.padEnd(8)}
            <Text dimColor={theme.dim}>{WHAT[c]}</Text>
          </Text>
        );
      })}
      <Text dimColor={theme.dim}>↑↓ or 1-3 choose · Enter run · Esc quit · the root cause follows what that client reads</Text>
    </Box>
  );
}
