#!/usr/bin/env node
// Command-line front for the npm `solc` package (solcjs, WebAssembly) that
// answers the two calls py-solc-x (and so brownie and slither) make to a
// native solc binary:
//
//   solc --version
//   solc --standard-json [--allow-paths A,B] [--base-path P] [--include-path P]...
//        (standard JSON input on stdin, standard JSON output on stdout)
//
// toolchain/install_solc.py installs a launcher for this file as
// `solc-v<version>` in py-solc-x's install folder.
//
// The solc package is looked up in $COOPDAO_NODE_MODULES if set, else in the
// node_modules folder next to this file's folder (the project root).
'use strict';

const fs = require('fs');
const path = require('path');

function loadSolc() {
  const roots = [];
  if (process.env.COOPDAO_NODE_MODULES) roots.push(process.env.COOPDAO_NODE_MODULES);
  roots.push(path.resolve(__dirname, '..', 'node_modules'));
  for (const root of roots) {
    const dir = path.join(root, 'solc');
    if (fs.existsSync(path.join(dir, 'package.json'))) return require(dir);
  }
  process.stderr.write(
    `solc-wrapper: npm package "solc" not found in ${roots.join(', ')}; run "npm ci"\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, allowPaths: [], basePath: null,
    includePaths: [] };
  const takeValue = (i, name) => {
    if (i + 1 >= argv.length) {
      process.stderr.write(`solc-wrapper: ${name} needs a value\n`);
      process.exit(2);
    }
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline = null;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = () => {
      if (inline !== null) return inline;
      const v = takeValue(i, arg);
      i += 1;
      return v;
    };
    switch (arg) {
      case '--version':
        opts.version = true;
        break;
      case '--standard-json':
        opts.standardJson = true;
        break;
      case '--allow-paths':
        opts.allowPaths.push(...value().split(',').filter(Boolean));
        break;
      case '--base-path':
        opts.basePath = value();
        break;
      case '--include-path':
        opts.includePaths.push(value());
        break;
      default:
        // Anything else (e.g. --pretty-json) has no meaning for standard JSON
        // output; ignore it like the native compiler's standard-json mode does.
        break;
    }
  }
  return opts;
}

function makeImportCallback(opts) {
  const cwd = process.cwd();
  const roots = [];
  const addRoot = (p) => {
    const abs = path.resolve(cwd, p);
    if (!roots.includes(abs)) roots.push(abs);
  };
  if (opts.basePath) addRoot(opts.basePath);
  addRoot(cwd);
  opts.includePaths.forEach(addRoot);
  opts.allowPaths.forEach(addRoot);

  return function findImport(importPath) {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.join(root, importPath));
    for (const file of candidates) {
      try {
        if (fs.statSync(file).isFile()) return { contents: fs.readFileSync(file, 'utf8') };
      } catch (e) {
        // not here; try the next root
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    const solc = loadSolc();
    // Same shape as the native binary: py-solc-x looks for "X.Y.Z+commit.HASH".
    process.stdout.write('solc, the solidity compiler commandline interface\n');
    process.stdout.write(`Version: ${solc.version()}\n`);
    return;
  }
  if (!opts.standardJson) {
    process.stderr.write(
      'solc-wrapper: only --version and --standard-json are supported (solcjs front)\n');
    process.exit(2);
  }
  const input = fs.readFileSync(0, 'utf8');
  const solc = loadSolc();
  const output = solc.compile(input, { import: makeImportCallback(opts) });
  process.stdout.write(output);
  process.stdout.write('\n');
}

main();
