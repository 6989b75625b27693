/**
 * The systemd unit that runs containerd, read as files (no systemctl, so it works under --root
 * and on a copied node): the unit file, its drop-ins, and the proxy variables they set through
 * `Environment=` and `EnvironmentFile=`. Never throws; null when no unit file exists.
 */
import { proxyUserinfo, redact, redactProxyValue } from '../report/redact.js';
import { scrubSecrets } from '../report/redact-config.js';
import type { SystemdFact } from '../checks/facts.js';

/** systemd's unit search path, highest precedence first. */
export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/** What reading needs from the node: text of a file, names in a folder (node paths). */
export interface UnitFiles {
  readText(nodePath: string): Promise<string | null>;
  list(nodePath: string): Promise<string[] | null>;
}

/** Proxy variable names, any case; k3s/RKE2 also pass CONTAINERD_-prefixed ones to containerd. */
export const PROXY_VAR = /^(?:CONTAINERD_)?(?:HTTP_PROXY|HTTPS_PROXY|NO_PROXY)$/i;

/** Splits an `Environment=` value into assignments (systemd quoting: "…", '…', backslash escapes). */
export function splitEnvironmentValue(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote) {
      if (c === '\\' && i + 1 < value.length) {
        cur += value[++i]!;
      } else if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      any = true;
    } else if (/\s/.test(c)) {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else if (c === '\\' && i + 1 < value.length) {
      cur += value[++i]!;
      any = true;
    } else {
      cur += c;
      any = true;
    }
  }
  if (cur !== '' || any) out.push(cur);
  return out;
}

/** `KEY=value` lines of an EnvironmentFile (comments, `export `, quotes). */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let v = line.slice(eq + 1).trim();
    if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) v = v.slice(1, -1);
    out[key] = v;
  }
  return out;
}

/** The [Service] directives of a unit text, in order (continuation lines joined). */
function directives(text: string): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  let section = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!}`;
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(t);
    if (sec) {
      section = sec[1]!;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = t.indexOf('=');
    if (eq > 0) out.push({ key: t.slice(0, eq).trim(), value: t.slice(eq + 1).trim() });
  }
  return out;
}

/**
 * Reads `unit` (e.g. `containerd.service`): the first unit file on the search path and every
 * drop-in (`<dir>/<unit>.d/*.conf`, a name in a higher-precedence folder hides the same name
 * below), applied in file-name order like systemd does.
 */
export async function readSystemdUnit(files: UnitFiles, unit: string): Promise<SystemdFact | null> {
  const read: Array<{ path: string; text: string }> = [];
  for (const dir of UNIT_DIRS) {
    const p = `${dir}/${unit}`;
    const text = await files.readText(p).catch(() => null);
    if (text !== null) {
      read.push({ path: p, text });
      break;
    }
  }
  const dropins = new Map<string, string>();
  for (const dir of UNIT_DIRS) {
    const d = `${dir}/${unit}.d`;
    const names = (await files.list(d).catch(() => null)) ?? [];
    for (const n of names) if (n.endsWith('.conf') && !dropins.has(n)) dropins.set(n, `${d}/${n}`);
  }
  for (const name of [...dropins.keys()].sort()) {
    const p = dropins.get(name)!;
    const text = await files.readText(p).catch(() => null);
    if (text !== null) read.push({ path: p, text });
  }
  if (read.length === 0) return null;
  const env: Record<string, string> = {};
  // the last ExecStart= (an empty one clears those before it, as a drop-in does to replace it)
  let execStart: string | null = null;
  for (const f of [...read]) {
    for (const { key, value } of directives(f.text)) {
      if (key === 'ExecStart') {
        execStart = value === '' ? null : value;
      } else if (key === 'Environment') {
        if (value === '') {
          for (const k of Object.keys(env)) delete env[k];
          continue;
        }
        for (const a of splitEnvironmentValue(value)) {
          const eq = a.indexOf('=');
          if (eq > 0) env[a.slice(0, eq)] = a.slice(eq + 1);
        }
      } else if (key === 'EnvironmentFile') {
        for (const spec of splitEnvironmentValue(value)) {
          // %n: the unit's name, %N: without its suffix (the k3s and RKE2 units read /etc/default/%N)
          const path = spec.replace(/^-/, '').replace(/%([nN%])/g, (_m, c: string) => (c === 'n' ? unit : c === 'N' ? unit.replace(/\.[a-z]+$/, '') : '%'));
          if (!path.startsWith('/')) continue;
          const text = await files.readText(path).catch(() => null);
          if (text === null) continue;
          read.push({ path, text });
          Object.assign(env, parseEnvironmentFile(text));
        }
      }
    }
  }
  // a proxy's credentials never leave: the values and the files that set them are redacted here
  const proxyEnv: Record<string, string> = {};
  const userinfo: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!PROXY_VAR.test(k)) continue;
    proxyEnv[k] = redactProxyValue(v);
    const info = proxyUserinfo(v);
    if (info !== null) userinfo.push(info);
  }
  const argv = execStart === null ? null : execStartArgv(execStart, env);
  return {
    unit,
    files: read.map((f) => ({ path: f.path, text: redact(scrubSecrets(f.text, userinfo)) })),
    proxyEnv,
    ...(argv ? { execStart: argv.map((a) => redact(scrubSecrets(a, userinfo))) } : {}),
  };
}

/**
 * The command line of an ExecStart= value as systemd runs it: its prefixes (`-@:+!`) dropped,
 * `${VAR}` replaced within a word and a lone `$VAR` split into words, from the unit's environment.
 */
export function execStartArgv(value: string, env: Record<string, string>): string[] {
  const words = splitEnvironmentValue(value.replace(/^[-@:+!]+/, ''));
  const out: string[] = [];
  for (const w of words) {
    const lone = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (lone) out.push(...(env[lone[1]!] ?? '').split(/\s+/).filter(Boolean));
    else out.push(w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, k: string) => env[k] ?? ''));
  }
  return out;
}
