/**
 * hosts.toml as containerd reads it, per parser generation: go-toml v1 (containerd 1.x, v1.7.24
 * remotes/docker/config/hosts.go) and go-toml v2 (2.x, v2.1.9 core/remotes/docker/config/hosts.go).
 *
 * smol-toml decides whether the text is TOML at all; everything containerd decides after that
 * (discard the whole file, silently ignore a part, accept) is reproduced here and in the modules
 * it calls, with our own message (line:column) and containerd's error text where the source or a
 * known go-toml message gives it.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import type { Decision, SourcePosition } from './decision.js';
import { isTable } from './go-value.js';
import type { HostConfig, HostsFileInput } from './host-config.js';
import { parseHostConfig } from './host-config-parse.js';
import { firstDecodeError } from './hosts-toml-decode.js';
import { Failure, pos } from './hosts-toml-failure.js';
import { droppedAndDuplicatedHosts, isInlineHost, missingHostTable, orderedHosts } from './hosts-toml-host-table.js';
import { ignoredKeys } from './hosts-toml-keys.js';
import { goTomlV1LexError } from './go-toml-v1-lex.js';
import { scanToml } from './toml-scan.js';
import { BOM_PROBLEM, GO_TOML_V2_BOM_ERROR, removeBomCommand, startsWithBom } from './utf8-bom.js';
import { goTomlV2NotUtf8Error, NOT_UTF8_PROBLEM } from './not-utf8.js';
import type { BehaviourProfile } from './version.js';

export type HostsFileParse =
  | { ok: true; hosts: HostConfig[]; decisions: Decision[] }
  | {
      ok: false;
      /** Our description of the first problem containerd hits. */
      problem: string;
      at?: SourcePosition;
      /** containerd's error text (the `error=` field of the log line), when known. */
      containerdError?: string;
      /** Advice for fixing it. */
      hint?: string;
      /** Everything else we noticed before the failure. */
      decisions: Decision[];
    };

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/^Invalid TOML document: /, '');
}

/** Finds a byte that no TOML parser accepts: NUL / other control characters. */
function controlCharAt(text: string): number {
  const m = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.exec(text);
  return m ? m.index : -1;
}

/**
 * containerd `parseHostsFile` for one hosts.toml. Returns the hosts in the order containerd
 * tries them (mirrors, then the top-level `server` entry), or the reason the file is discarded.
 */
export function parseHostsFile(input: HostsFileInput, profile: BehaviourProfile): HostsFileParse {
  const file = `${input.dir}/hosts.toml`;
  const notes: Decision[] = [];
  const v2 = profile.hostsParser === 'go-toml-v2';
  const ctrl = controlCharAt(input.text);
  let data: Record<string, unknown>;
  try {
    if (v2 && startsWithBom(input.text)) throw new Failure(BOM_PROBLEM, { file, line: 1, column: 1 }, GO_TOML_V2_BOM_ERROR, `remove it: ${removeBomCommand(file)}`);
    if (v2 && input.notUtf8) throw new Failure(NOT_UTF8_PROBLEM, { file, ...input.notUtf8 }, goTomlV2NotUtf8Error(input.text, input.notUtf8));
    if (ctrl >= 0) {
      const before = input.text.slice(0, ctrl);
      const line = before.split('\n').length;
      const column = ctrl - before.lastIndexOf('\n');
      throw new Failure(`TOML syntax error: control character U+${input.text.charCodeAt(ctrl).toString(16).padStart(4, '0')} (not text)`, { file, line, column }, undefined);
    }
    try {
      data = parseToml(input.text, { integersAsBigInt: true }) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof TomlError) {
        const msg = firstLine(e.message);
        // go-toml's own wording differs from smol-toml's; it is known for one case (hosts-toml.test.ts).
        const missingBracket = /^\s*\[[^\]\n]*$/m.test(input.text.split('\n')[e.line - 1] ?? '');
        const containerdError = missingBracket && v2 ? 'toml: expected character ]' : undefined;
        throw new Failure(`TOML syntax error: ${msg}`, { file, line: e.line, column: e.column }, containerdError);
      }
      throw e;
    }
    const scan = scanToml(input.text);
    const lex = v2 ? null : goTomlV1LexError(input.text, scan);
    if (lex?.kind === 'table-key' || lex?.kind === 'value') {
      throw new Failure(`TOML syntax error: ${lex.error}`, { file, line: lex.line, column: lex.column }, `failed to parse TOML: (${lex.line}, ${lex.column}): ${lex.goToml}`);
    }
    if (lex) throw new Failure(`TOML syntax error: ${lex.error}`, { file, line: lex.line, column: lex.column }, undefined);
    const hostValue = data.host;
    const missing = missingHostTable(data, scan, file, profile);
    if (missing) throw missing;
    const decodeError = firstDecodeError(data, scan, file, profile);
    if (decodeError) throw decodeError;

    const hostTable = isTable(hostValue) ? hostValue : {};
    notes.push(...ignoredKeys(data, [], true, input, scan, profile));
    for (const [name, cfg] of Object.entries(hostTable)) {
      if (isTable(cfg)) notes.push(...ignoredKeys(cfg, ['host', name], false, input, scan, profile));
    }
    const order = orderedHosts(hostTable, scan, profile);
    const inline = v2 ? [] : order.filter((n) => isInlineHost(scan, n));
    if (inline.length > 1) {
      notes.push({
        code: 'hosts-toml.inline-order-random',
        severity: 'warning',
        message: `${profile.label} tries the inline [host] entries ${inline.map((n) => JSON.stringify(n)).join(', ')} before the [host."…"] tables, and among themselves in an order that changes from pull to pull (go-toml v1 gives inline tables no line); write them as [host."…"] tables to fix the order`,
        source: 'parseHostsFile',
        at: pos(file, scan.keyValues.find((kv) => kv.path.length === 2 && kv.path[0] === 'host' && kv.path[1] === inline[0])),
      });
    }
    notes.push(...droppedAndDuplicatedHosts(hostTable, order, scan, file, profile));
    const hosts: HostConfig[] = [];
    for (const name of order) {
      const cfg = hostTable[name];
      hosts.push(parseHostConfig(name, isTable(cfg) ? cfg : {}, ['host', name], 'mirror', input, scan, profile, notes));
    }
    const server = typeof data.server === 'string' ? data.server : '';
    hosts.push(parseHostConfig(server, data, [], 'server', input, scan, profile, notes));
    return { ok: true, hosts, decisions: notes };
  } catch (e) {
    if (e instanceof Failure) {
      return {
        ok: false,
        problem: e.problem,
        ...(e.at ? { at: e.at } : {}),
        ...(e.containerdError !== undefined ? { containerdError: e.containerdError } : {}),
        ...(e.hint !== undefined ? { hint: e.hint } : {}),
        decisions: notes,
      };
    }
    throw e;
  }
}
