/**
 * The daemon's lines about itself: a start (a new daemon run), the CRI plugin's config (its
 * registry config_path) and plugins that failed to load. They are facts of the daemon run, not
 * of a pull, and every later document carries them.
 */
import type { ParseState } from './parse-state.js';

/** A daemon-wide line; true when handled. */
export function daemonLine(s: ParseState, msg: string, f: Record<string, string>): boolean {
  switch (msg) {
    case 'starting cri plugin': {
      const cfg = f.config ?? '';
      const m = /"configPath"\s*:\s*"((?:[^"\\]|\\.){0,4096})"/.exec(cfg) ?? /"config_path"\s*:\s*"((?:[^"\\]|\\.){0,4096})"/.exec(cfg);
      // 2.x logs the runtime part only (the registry lives in the images plugin config, unlogged)
      if (m) s.daemon.criConfigPath = m[1] as string;
      else if (cfg.includes('"registry"')) s.daemon.criConfigPath = '';
      return true;
    }
    case 'starting containerd':
      s.daemonStarted();
      if (f.version) s.daemon.version = f.version;
      return true;
    case 'failed to load plugin': {
      const id = f.id ?? '';
      if (id.includes('cri') || id.includes('sandbox')) s.addPluginError({ plugin: id, error: f.error ?? '' });
      return true;
    }
    default:
      break;
  }
  if (msg.startsWith('failed to load plugin ')) {
    const id = msg.slice('failed to load plugin '.length);
    if (id.includes('cri')) s.addPluginError({ plugin: id, error: f.error ?? '' });
  } else if (msg.startsWith('Start cri plugin with config ')) {
    const m = /ConfigPath:([^\s}]*)/.exec(msg);
    s.daemon.criConfigPath = m ? (m[1] as string) : '';
  } else return false;
  return true;
}
