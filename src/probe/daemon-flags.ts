/** containerd's own command-line flags, read from a process's argv or a unit's ExecStart. */

/** The value of the first of `names` (`--config x`, `--config=x`), or null. */
function flagValue(argv: string[], names: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const n of names) {
      if (a === n && i + 1 < argv.length) return argv[i + 1]!;
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return null;
}

/** `--config` / `-c`: the config.toml the daemon reads. */
export function configFlag(argv: string[]): string | null {
  return flagValue(argv, ['--config', '-c']);
}

/** `--address` / `-a`: the socket the daemon serves. */
export function addressFlag(argv: string[]): string | null {
  return flagValue(argv, ['--address', '-a']);
}

/** Whether argv runs the containerd daemon itself (not a shim, not ctr). */
export function runsContainerd(argv: string[]): boolean {
  return !!argv[0] && /(^|\/)containerd$/.test(argv[0]);
}
