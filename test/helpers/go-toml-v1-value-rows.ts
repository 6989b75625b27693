/**
 * Values containerd 1.x's go-toml v1 refuses where 2.x accepts them (TOML 1.1 escapes, a comma
 * before an inline table's `}`), each written as line 3 of `version = 2\n[x]\n<line>`: the line and
 * column 1.6.20 and 1.7.24 stop at (`failed to load TOML: FILE: (L, C): …`), or null where they
 * start. 2.1.9 starts with every one. The unit test holds go-toml-v1-values.ts to them;
 * test/integration/config-startup.test.ts runs them.
 */
export const GO_TOML_V1_VALUE_ROWS: ReadonlyArray<readonly [string, string | null]> = [
  ['a = "x\\ey"\n', '3:6'],
  ['a = "x\\x41y"\n', '3:6'],
  ['a = """x\\ey"""\n', '3:8'],
  ['a = ["p", "q\\ey"]\n', '3:12'],
  ['a = { b = 1, }\n', '3:12'],
  ['a = { b = { c = "d" }, }\n', '3:22'],
  ["a = 'x\\ey'\n", null],
  ['a = "x\\\\ey"\n', null],
  ['a = "x\\u00e9y"\n', null],
  ['a = [1, 2, ]\n', null],
  ['a = { b = ",}" }\n', null],
];
