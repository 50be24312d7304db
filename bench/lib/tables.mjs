/**
 * The Markdown tables of `npm run bench`, rendered from its results object
 * (bench/results.json): printed by run.mjs and written into README's
 * Performance section by readme.mjs, so the two never differ.
 */
export const ms = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
export const ratio = (value) => (value === undefined ? '' : `${value.toFixed(2)}×`);
export const keys = (size) => size.toLocaleString('en-US');
export const row = (cells) => `| ${cells.join(' | ')} |`;
const spread = (s, format = ms) => `${format(s.p25)}–${format(s.p75)}`;
const ratioSpread = (s) => `${s.p25.toFixed(2)}–${s.p75.toFixed(2)}×`;
const pct = (value) => (Number.isFinite(value) ? `±${(value * 100).toFixed(0)}%` : 'n/a');

/** One line: the machine, Node, the date and how long the run took. */
export function machineLine(results) {
  const { machine } = results;
  return (
    `Measured on ${machine.date.slice(0, 10)} by \`${results.quick ? 'node bench/run.mjs --quick' : 'npm run bench'}\` on Node ${machine.node}, ${machine.platform}, ` +
    `${machine.cores} cores (${machine.cpu}), load average ${machine.loadAverage.map((l) => l.toFixed(1)).join(' ')} ` +
    `at the start, a ${(results.elapsedMs / 60000).toFixed(1)}-minute run` +
    (results.quick ? ' — QUICK RUN, not for publishing' : '') +
    (results.defaultContainer ? " — class-validator's default container" : '') +
    '.'
  );
}

/** The CLI start-up table. */
export function cliTable(cli) {
  const lines = [
    row(['command', 'median ms', 'p25–p75 ms', '× `node -e 0` (paired)', 'p25–p75 ×', 'runs', '95% CI of the median']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const r of cli.rows) {
    if (r.skipped) {
      lines.push(row([r.label, `(${r.skipped})`, '', '', '', '', '']));
      continue;
    }
    lines.push(
      row([r.label, ms(r.median), spread(r), ratio(r.ratio.median), ratioSpread(r.ratio), String(r.n), pct(r.ci)]),
    );
  }
  return lines.join('\n');
}

/** The import table. */
export function importsTable(imports) {
  const lines = [
    row([
      'import (fresh process)',
      '`require` ms',
      'process ms',
      'process − `node -e 0` ms',
      'p25–p75 ms',
      '× `node -e 0` (paired)',
      'peak RSS MiB',
      'runs',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const r of imports.rows) {
    if (r.skipped) {
      lines.push(row([r.label, `(${r.skipped})`, '', '', '', '', '', '']));
      continue;
    }
    const base = r.id === 'node';
    lines.push(
      row([
        r.label,
        base ? '—' : ms(r.importMs.median),
        ms(r.processMs.median),
        base ? '—' : ms(r.netMs.median),
        base ? '—' : spread(r.netMs),
        ratio(r.ratio.median),
        r.rssMiB.median.toFixed(0),
        String(r.processMs.n),
      ]),
    );
  }
  return lines.join('\n');
}

function loadCells(results, size, name) {
  const labels = results.labels;
  const r = results.load[size][name];
  const label = `${keys(size)} (${(results.fileSizes[size] / 1024).toFixed(0)} KiB)`;
  if (r.skipped) {
    const before = results.load[r.skipped][name];
    return [
      label,
      labels[name],
      `not run (${ms(before.median)} ms at ${keys(r.skipped)} keys)`,
      '',
      '',
      '',
      '',
      '',
      '',
    ];
  }
  const floor = results.load[size].floor;
  return [
    label,
    labels[name],
    ms(r.median),
    spread(r),
    String(r.n),
    ratio(r.median / floor.median),
    name === 'floor' ? '' : `${ratio(r.paired.median)} (${ratioSpread(r.paired)})`,
    ((r.median * 1000) / size).toFixed(2),
    r.memory ? r.memory.peak.toFixed(0) : '',
  ];
}

/** (a) load and validate the file alone. */
export function loadTable(results) {
  const lines = [
    row([
      'keys (file size)',
      'competitor',
      'median ms',
      'p25–p75 ms',
      'runs',
      '× floor',
      '× floor, paired (p25–p75)',
      'µs per key',
      'peak RSS MiB',
    ]),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const size of Object.keys(results.load).map(Number)) {
    for (const name of results.loaders) lines.push(row(loadCells(results, size, name)));
  }
  return lines.join('\n');
}

/** (b) `NestFactory.createApplicationContext` to ready. */
export function appTable(results) {
  const lines = [
    row([
      'keys',
      'module',
      'warm median ms',
      'p25–p75 ms',
      'runs',
      '× baseline',
      'cold ms',
      '× baseline',
      'process start → ready ms',
      '× baseline',
      'peak RSS MiB',
    ]),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const [size, apps] of Object.entries(results.app)) {
    const base = apps.baseline;
    for (const [name, r] of Object.entries(apps)) {
      lines.push(
        row([
          keys(Number(size)),
          results.labels[name],
          ms(r.median),
          spread(r),
          String(r.n),
          ratio(r.median / base.median),
          ms(r.cold.median),
          ratio(r.cold.median / base.cold.median),
          ms(r.process.median),
          ratio(r.process.median / base.process.median),
          r.peakRss.toFixed(0),
        ]),
      );
    }
  }
  return lines.join('\n');
}

const AGE_LABELS = {
  plaintext: '`loadSecrets` of the plaintext file',
  encrypted: '`loadSecrets` of the `.age` file (identity option)',
  decryptOnly: 'age-encryption `Decrypter` alone (armored)',
};

/** (c) age: what decryption adds. */
export function ageTable(results) {
  const { stats: ageStats } = results.age;
  return [
    row(['load', 'median ms', 'p25–p75 ms', 'runs', '× plaintext']),
    row(['---', '---:', '---:', '---:', '---:']),
    ...Object.entries(ageStats).map(([name, r]) =>
      row([AGE_LABELS[name], ms(r.median), spread(r), String(r.n), ratio(r.median / ageStats.plaintext.median)]),
    ),
  ].join('\n');
}

/** The `index`th Markdown table (consecutive `|` lines) in a sub-bench's printed text. */
export function tableIn(text, index = 0) {
  const tables = [];
  let current;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    if (!current) tables.push((current = []));
    current.push(line);
  }
  if (!tables[index]) throw new Error(`bench: no table #${index + 1} in:\n${text}`);
  return tables[index].join('\n');
}
