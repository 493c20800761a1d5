#!/usr/bin/env node
// Thin entry: everything lives in the compiled engine (npm run build).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
