/**
 * A UTF-8 byte order mark (EF BB BF) at the start of a TOML file, as editors save "UTF-8 with BOM".
 * go-toml v1 (containerd 1.x) skips it; go-toml v2 (2.x) reads its first byte as the start of a key
 * and fails, for config.toml and hosts.toml alike (seen with containerd 1.6.20, 1.7.24 and 2.1.9).
 */

/** The mark as the first character of the decoded text. */
export const startsWithBom = (text: string): boolean => text.charCodeAt(0) === 0xfeff;

/** go-toml v2's error for it (containerd 2.1.9, `config dump` and the hosts.toml decode alike). */
export const GO_TOML_V2_BOM_ERROR = "toml: invalid character at start of key: U+00EF 'ï'";

/** Our words for it. */
export const BOM_PROBLEM = 'the file starts with a UTF-8 byte order mark (bytes EF BB BF, saved as "UTF-8 with BOM"), which containerd 2.x cannot decode';

/** The shell command that removes it and nothing else. */
export const removeBomCommand = (file: string): string => `sed -i '1s/^\\xEF\\xBB\\xBF//' ${file}`;
