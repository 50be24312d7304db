/** Text the CLI prints or writes for a POSIX shell to run (hooks, git config, suggested commands). */

/**
 * `text` as one shell word: as it is when it holds only characters no shell
 * (sh, bash, zsh) treats specially, else in single quotes.
 *
 * @example shellQuote("/tmp/it's here") // => '/tmp/it'\''s here'
 */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) && !/^[=%]/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
