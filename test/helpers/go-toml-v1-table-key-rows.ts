/**
 * Table headers containerd 1.x's go-toml v1 refuses (a `[` inside the header's key, quoted or not),
 * each written as line 3 of `version = 2\n[x]\n<line>`: the line and column 1.6.20 and 1.7.24 stop at
 * (`failed to load TOML: FILE: (L, C): unexpected token table [array ]key cannot contain ']', …`), or
 * null where they start. 2.1.9 starts with every one. The unit test holds go-toml-v1-table-keys.ts to
 * them; test/integration/config-startup.test.ts runs them.
 */
export const GO_TOML_V1_TABLE_KEY_ROWS: ReadonlyArray<readonly [string, string | null]> = [
  ['[x."[::1]:5000"]\n', '3:2'],
  ['  [x."[::1]:5000"]\n', '3:4'],
  ["[x.'[::1]']\n", '3:2'],
  ['[x."a[b"]\n', '3:2'],
  ['[ x . "[::1]" ]\n', '3:2'],
  ['[x."http://[::1]"] # c\n', '3:2'],
  ['[[y."[::1]"]]\n', '3:3'],
  ['y = { "[::1]" = 1 }\n', null],
  ['"[::1]" = 1\n', null],
  ['[x."a"] # [\n', null],
  ['[x."a"]\nb = ["[", "]"]\n', null],
];
