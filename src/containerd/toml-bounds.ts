/**
 * A bound on how much TOML structure is analysed: parsing and position-scanning a file costs
 * memory and time per table, key, array element and line (1.5 million one-line tables in a 10 MiB
 * file cost gigabytes), far more than per byte. A containerd config.toml or hosts.toml has a few
 * hundred of them; a file with more than MAX_TOML_ITEMS is not analysed, and says so.
 */

/** Tables, keys, array elements and lines counted together; 100× a large real config. */
export const MAX_TOML_ITEMS = 50_000;

/**
 * An upper bound of the TOML items in `text` (`[`, `{`, `=`, `,` and line ends, strings and
 * comments included), counted up to `limit + 1`: cheap, and never less than what a parser builds.
 */
export function tomlItems(text: string, limit = MAX_TOML_ITEMS): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // \n [ { = ,
    if (c === 10 || c === 91 || c === 123 || c === 61 || c === 44) {
      if (++n > limit) return n;
    }
  }
  return n;
}
