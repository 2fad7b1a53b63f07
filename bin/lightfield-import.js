#!/usr/bin/env node
// The published entry point: the compiled CLI lives in dist/ (built by `npm install` through `prepare`).
import('../dist/cli/main.js').then((cli) => cli.main(process.argv.slice(2)));
