// @ts-check
/**
 * Copies the UI's npm packages into the served UI: the page has no bundler,
 * so it imports lit-html's ES modules from ui/vendor/lit-html, exactly as
 * the package ships them for browsers. Their type declarations go beside
 * them, so `tsc` reads the package's own types for the paths the page
 * imports.
 *
 *   node scripts/vendor-ui.mjs           copies what differs (npm ci runs it)
 *   node scripts/vendor-ui.mjs --check   exits 1 if the copy differs
 *
 * The copy is committed, because Tauri embeds ui/ into the app when Cargo
 * builds it, and every Cargo build must serve a working page, whether or
 * not npm ran first. ui/tests/vendor.test.js fails while it differs from
 * node_modules. Files are written only when their content differs: Cargo
 * rebuilds the app when an embedded file changes, so an unchanged copy must
 * stay untouched.
 */

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages the page imports, each copied to ui/vendor/<name>. */
export const PACKAGES = ['lit-html'];

/**
 * What of a package the page may load: its browser ES modules, their
 * declarations, and the license that must travel with them. Not the
 * development and Node builds, source maps or docs.
 * @param {string} path relative to the package
 */
function served(path) {
  const [top] = path.split('/');
  if (top === 'development' || top === 'node') return false;
  return path === 'LICENSE' || path.endsWith('.js') || path.endsWith('.d.ts');
}

/**
 * Every file below `dir`, relative to it, with `/` separators, sorted.
 * @param {string} dir
 * @param {string} [prefix] the path of `dir` inside the walk
 * @returns {string[]}
 */
function filesBelow(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = prefix + entry.name;
      if (entry.isDirectory()) return filesBelow(join(dir, entry.name), `${path}/`);
      return entry.isFile() ? [path] : [];
    })
    .sort();
}

/**
 * How ui/vendor differs from node_modules, one line per file; empty when
 * it is an exact copy.
 * @param {string} [root]
 * @returns {string[]}
 */
export function differences(root = ROOT) {
  /** @type {string[]} */
  const found = [];
  for (const name of PACKAGES) {
    const source = join(root, 'node_modules', name);
    const target = join(root, 'ui', 'vendor', name);
    if (!existsSync(source)) {
      found.push(`node_modules/${name} is missing (npm ci installs it)`);
      continue;
    }
    const wanted = filesBelow(source).filter(served);
    const present = new Set(filesBelow(target));
    for (const file of wanted) {
      if (!present.has(file)) found.push(`ui/vendor/${name}/${file} is missing`);
      else if (!readFileSync(join(source, file)).equals(readFileSync(join(target, file)))) {
        found.push(`ui/vendor/${name}/${file} differs from node_modules/${name}/${file}`);
      }
      present.delete(file);
    }
    for (const file of present) found.push(`ui/vendor/${name}/${file} is not in node_modules/${name}`);
  }
  return found;
}

/**
 * Makes ui/vendor an exact copy: writes the files that differ and removes
 * the ones the packages no longer have.
 * @param {string} [root]
 * @returns {number} how many files were written or removed
 */
export function vendor(root = ROOT) {
  let changed = 0;
  for (const name of PACKAGES) {
    const source = join(root, 'node_modules', name);
    const target = join(root, 'ui', 'vendor', name);
    if (!existsSync(source)) throw new Error(`node_modules/${name} is missing: run npm ci first`);
    const wanted = new Set(filesBelow(source).filter(served));
    for (const file of wanted) {
      const content = readFileSync(join(source, file));
      const to = join(target, file);
      if (existsSync(to) && readFileSync(to).equals(content)) continue;
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, content);
      changed += 1;
    }
    for (const file of filesBelow(target)) {
      if (!wanted.has(file)) {
        rmSync(join(target, file));
        changed += 1;
      }
    }
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const found = differences();
    if (found.length > 0) {
      console.error(`vendor-ui: ui/vendor is not a copy of node_modules:\n  ${found.join('\n  ')}`);
      console.error('vendor-ui: run `node scripts/vendor-ui.mjs` (npm ci runs it) and commit ui/vendor');
      process.exit(1);
    }
  } else {
    const changed = vendor();
    if (changed > 0) console.log(`vendor-ui: ${changed} file(s) of ui/vendor brought in line with node_modules`);
  }
}
