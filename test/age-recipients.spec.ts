import { describe, expect, it } from 'vitest';
import { parseRecipients, recipientsFor } from '../lib/age/recipients';
import { ageKeygen, tempDir, write } from './helpers/cli';
import { failure } from './helpers/errors';

describe('.age-recipients', () => {
  it('one age1… per line; # comments, blank lines, spaces and CRLF are fine; duplicates dropped', async () => {
    const dir = tempDir();
    const [a, b] = [ageKeygen(dir, 'a.txt').recipient, ageKeygen(dir, 'b.txt').recipient];
    expect(await parseRecipients(`# team\r\n${a}\r\n\r\n\t${b} \r\n# again\n${a}\n`, '/r')).toEqual([a, b]);
  });

  it('every bad line is INVALID_RECIPIENT naming its line', async () => {
    const dir = tempDir();
    const a = ageKeygen(dir, 'a.txt').recipient;
    const error = await failure(
      parseRecipients(`${a}\nssh-ed25519 AAAA\n${a} # alice\nAGE1${a.slice(4).toUpperCase()}\n`, '/r'),
    );
    expect(error.problems.map((p) => [p.code, p.file, p.line])).toEqual([
      ['INVALID_RECIPIENT', '/r', 2],
      ['INVALID_RECIPIENT', '/r', 3],
      ['INVALID_RECIPIENT', '/r', 4],
    ]);
  });

  it('recipientsFor merges .age-recipients and extra keys', async () => {
    const dir = tempDir();
    const [a, b] = [ageKeygen(dir, 'a.txt').recipient, ageKeygen(dir, 'b.txt').recipient];
    write(dir, '.age-recipients', `${a}\n`);
    expect(await recipientsFor(dir, [b, a])).toEqual([a, b]);
  });
});
