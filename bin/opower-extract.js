#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` through the `prepare` script, or `npm run build`).
import '../dist/src/cli/bin.js'
