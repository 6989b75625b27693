/**
 * The type errors containerd's Unmarshal of hosts.toml returns (a wrong-typed known key, a `host`
 * that is not a table of tables), with go-toml v1's or v2's error text: any one discards the file.
 */
import type { SourcePosition } from './decision.js';
import { goT, goV, isTable, tomlKind, type TomlKind } from './go-value.js';
import { Failure, pos } from './hosts-toml-failure.js';
import { knownKeys } from './hosts-toml-keys.js';
import { firstMention, findKeyValue, type TomlScan } from './toml-scan.js';
import type { BehaviourProfile } from './version.js';

/** Go type names as go-toml v2 prints them in decode errors. */
const FIELD_GO: Record<string, { field: string; goType: string; kind: TomlKind; v1Target?: string }> = {
  capabilities: { field: 'Capabilities', goType: '[]string', kind: 'array', v1Target: '[]string(slice)' },
  skip_verify: { field: 'SkipVerify', goType: '*bool', kind: 'boolean', v1Target: 'bool' },
  override_path: { field: 'OverridePath', goType: 'bool', kind: 'boolean', v1Target: 'bool' },
  dial_timeout: { field: 'DialTimeout', goType: 'string', kind: 'string' },
  header: { field: 'Header', goType: 'map[string]interface {}', kind: 'table' },
  server: { field: 'Server', goType: 'string', kind: 'string', v1Target: 'string' },
};

function v1TypeName(v: unknown): string {
  const k = tomlKind(v);
  return k === 'integer' ? 'int64' : k === 'float' ? 'float64' : k === 'boolean' ? 'bool' : k === 'string' ? 'string' : goT(v);
}

/** The decode-time type error containerd's Unmarshal returns for `key = value`, or undefined. */
function decodeTypeError(
  key: string,
  value: unknown,
  profile: BehaviourProfile,
  kvPos: SourcePosition | undefined,
): Failure | undefined {
  const spec = FIELD_GO[key];
  if (!spec) return undefined;
  const kind = tomlKind(value);
  let bad = kind !== spec.kind;
  let badKind: TomlKind = kind;
  if (!bad && key === 'capabilities') {
    const el = (value as unknown[]).find((e) => tomlKind(e) !== 'string');
    if (el !== undefined) {
      bad = true;
      badKind = tomlKind(el);
    }
  }
  if (!bad) return undefined;
  const problem = `\`${key}\` must be ${spec.kind === 'array' ? 'an array of strings' : spec.kind === 'table' ? 'a table' : `a ${spec.kind}`}, found ${badKind === kind ? `a ${kind}` : `an array holding a ${badKind}`} (${JSON.stringify(goV(value))})`;
  let containerdError: string | undefined;
  if (profile.hostsParser === 'go-toml-v2') {
    containerdError = `toml: cannot decode TOML ${badKind} into struct field ....${spec.field} of type ${badKind === kind ? spec.goType : 'string'}`;
  } else if (spec.v1Target && badKind === kind) {
    // go-toml v1.9.5 (containerd 1.x) says `(3, 3): Can't convert true(string) to bool` (with the key's
    // position) and `Can't convert pull(string) to []string(slice)` (without one); see hosts-toml.test.ts.
    const base = `Can't convert ${goV(value)}(${v1TypeName(value)}) to ${spec.v1Target}`;
    containerdError = spec.kind === 'array' || !kvPos ? base : `(${kvPos.line}, ${kvPos.column}): ${base}`;
  }
  return new Failure(problem, kvPos, containerdError);
}

/** The first decode error in file order, or undefined when the file decodes. */
export function firstDecodeError(data: Record<string, unknown>, scan: TomlScan, file: string, profile: BehaviourProfile): Failure | undefined {
  const v2 = profile.hostsParser === 'go-toml-v2';
  const hostValue = data.host;
  const hostAt = pos(file, firstMention(scan, ['host']));
  const decodeErrors: Failure[] = [];
  const checkTable = (t: Record<string, unknown>, prefix: string[], root: boolean) => {
    for (const [key, value] of Object.entries(t)) {
      if (!knownKeys(profile, root).has(key)) continue;
      if (key === 'host') continue;
      const f = decodeTypeError(key, value, profile, pos(file, findKeyValue(scan, [...prefix, key]) ?? firstMention(scan, [...prefix, key])));
      if (f) decodeErrors.push(f);
    }
  };
  checkTable(data, [], true);
  if (hostValue !== undefined) {
    if (!isTable(hostValue)) {
      const isArrayTable = scan.headers.some((h) => h.kind === 'array-table' && h.path[0] === 'host');
      decodeErrors.push(
        new Failure(
          isArrayTable ? '`[[host]]` is an array of tables; write `[host."https://…"]`' : `\`host\` must be a table of mirrors, found a ${tomlKind(hostValue)}`,
          hostAt,
          v2 ? (isArrayTable ? 'toml: cannot decode TOML array table into struct field …' : undefined) : undefined,
        ),
      );
    } else {
      for (const [name, cfg] of Object.entries(hostValue)) {
        if (!isTable(cfg)) {
          const arrayTable = scan.headers.find((h) => h.kind === 'array-table' && h.path[0] === 'host' && h.path[1] === name);
          decodeErrors.push(
            new Failure(
              arrayTable
                ? `[[host.${JSON.stringify(name)}]] is an array of tables; write [host.${JSON.stringify(name)}] (single brackets)`
                : `host ${JSON.stringify(name)} must be a table, found a ${tomlKind(cfg)}`,
              pos(file, arrayTable ?? firstMention(scan, ['host', name])),
              v2 && arrayTable ? 'toml: cannot decode TOML array table into struct field …' : undefined,
            ),
          );
          continue;
        }
        checkTable(cfg, ['host', name], false);
      }
    }
  }
  decodeErrors.sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.column ?? 0) - (b.at?.column ?? 0));
  return decodeErrors[0];
}
