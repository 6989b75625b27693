/**
 * Detects the local containerd version by running `containerd --version` (argument array, no
 * shell, short timeout). Returns undefined when containerd is not on PATH or does not answer.
 */
import { execFile } from 'node:child_process';

export function detectContainerdVersion(timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile('containerd', ['--version'], { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
        if (err) return resolve(undefined);
        const line = String(stdout).trim().split('\n')[0];
        resolve(line && line.length > 0 ? line : undefined);
      });
    } catch {
      resolve(undefined);
    }
  });
}
