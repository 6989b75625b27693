/**
 * Values containerd 1.x's go-toml v1 reads differently from TOML, each written as line 3 of
 * `version = 2\n[x]\n<line>`: the line and column 1.6.20 and 1.7.24 stop at (`failed to load TOML:
 * FILE: (L, C): …`), or null where they start. 2.1.9 starts with every one. The unit test holds
 * go-toml-v1-dates.ts to them; test/integration/config-startup.test.ts runs them.
 */
export const GO_TOML_V1_DATE_ROWS: ReadonlyArray<readonly [string, string | null]> = [
  ['d = 1979-05-27\n', '3:15'],
  ['d = 1979-05-27', null],
  ['d = 1979-05-27 # a comment\n', null],
  ['d = 1979-05-27\t\n', '3:15'],
  ['d = 1979-05-27T07:32:00\n', null],
  ['d = 1979-05-27 07:32:00Z\n', null],
  ['d = 1979-05-27t07:32:00z\n', '3:15'],
  ['d = 1979-05-27T07:32:00z\n', '3:24'],
  ['d = 1979-05-27T07:32\n', '3:16'],
  ['d = 07:32:00.5\n', null],
  ['d = 07:32\n', '3:5'],
  ['d = [1979-05-27]\n', '3:16'],
  ['d = [1979-05-27 ]\n', null],
  ['d = [1979-05-27T07:32:00, 1979-05-28]\n', '3:37'],
  ['d = { a = 1979-05-27 }\n', null],
  ['d = {a=1979-05-27}\n', '3:18'],
];
