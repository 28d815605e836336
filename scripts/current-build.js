// Whether lib/ is the build of the working tree: `npm run build` records a digest of the sources it compiled
// (constructs/ and the TypeScript configuration) in lib/sources.sha256, and the commands of this repository run the
// compiled JavaScript when the sources still have that digest, the TypeScript through tsx otherwise. The compiled
// code is the same program; it only starts faster (tsx transpiles each module on load).
// The record also holds a digest of the files' names, sizes and modification times: while those are unchanged, the
// sources are not read again (a few milliseconds of every `npm run synth`, before the app starts).
// `node scripts/current-build.js --record` records the digests (the last step of the build).
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const RECORD = path.join(ROOT, 'lib', 'sources.sha256');
const SOURCES = ['constructs', 'tsconfig.json', 'tsconfig.build.json'];

function files(entry) {
  const full = path.join(ROOT, entry);
  if (!fs.statSync(full).isDirectory()) {
    return [entry];
  }
  return fs.readdirSync(full).sort().flatMap(name => files(path.join(entry, name)));
}

function sourcesDigest(sources) {
  const hash = createHash('sha256');
  for (const file of sources) {
    hash.update(`${file}\0`).update(fs.readFileSync(path.join(ROOT, file))).update('\0');
  }
  return hash.digest('hex');
}

function statsDigest(sources) {
  const hash = createHash('sha256');
  for (const file of sources) {
    const stat = fs.statSync(path.join(ROOT, file));
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\0`);
  }
  return hash.digest('hex');
}

/** Whether lib/ was built from the sources as they are. */
function libIsCurrent() {
  try {
    const [contents, stats] = fs.readFileSync(RECORD, 'utf8').trim().split('\n');
    const sources = SOURCES.flatMap(files);
    return stats === statsDigest(sources) || contents === sourcesDigest(sources);
  } catch {
    return false;
  }
}

if (require.main === module && process.argv[2] === '--record') {
  const sources = SOURCES.flatMap(files);
  fs.writeFileSync(RECORD, `${sourcesDigest(sources)}\n${statsDigest(sources)}\n`);
}

module.exports = { libIsCurrent, ROOT };
