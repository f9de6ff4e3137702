#!/usr/bin/env node
import { runFlexgate } from './program.js';

const exitCode = await runFlexgate(process.argv.slice(2));
// A failure exits at once; a success lets open handles (a server, a lock being released) finish.
if (exitCode !== 0) process.exit(exitCode);
