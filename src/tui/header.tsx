/** The detected setup: versions, distribution, socket, config.toml, hosts folders. */
import { Box, Text } from 'ink';
import type { DetectedSetup } from '../session/detected-setup.js';
import { tint } from './theme.js';
import { useTheme } from './theme-context.js';

const SOURCE: Record<DetectedSetup['containerd']['source'], string> = { server: 'daemon', binary: 'binary', option: '--containerd-version', assumed: 'assumed' };

export function Header({ setup, image }: { setup: DetectedSetup | null; image: string | null }) {
  const theme = useTheme();
  if (!setup) {
    return (
      <Box>
        <Text bold {...tint(theme, theme.accent)}>
          mirror-doctor
        </Text>
        <Text> · detecting the setup…</Text>
      </Box>
    );
  }
  const versions = [`containerd ${setup.containerd.value} (${SOURCE[setup.containerd.source]})`, setup.client ? `ctr ${setup.client}` : 'ctr: not found'].join(' · ');
  const dist = setup.distribution === 'containerd' ? 'plain containerd' : `${setup.distribution}${setup.generated ? ' (generated config)' : ''}`;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.color ? 'gray' : undefined} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold {...tint(theme, theme.accent)}>
          mirror-doctor
        </Text>
        {image ? ` · ${image}` : ''}
      </Text>
      <Text wrap="truncate-end">
        {versions} · {dist}
      </Text>
      <Text wrap="truncate-end">
        socket {setup.socket} {setup.reachable ? '(reachable)' : '(not reachable)'}
      </Text>
      <Text wrap="truncate-end">config {setup.configFile}</Text>
      <Text wrap="truncate-end">hosts {setup.hostRoots.join(', ') || '(none)'}</Text>
    </Box>
  );
}
