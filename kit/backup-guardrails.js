#!/usr/bin/env node
// The backup-guardrails command. Committed (not compiled) so that npm links the bin
// even in a fresh clone, before `npm run build` has compiled the kit into dist/.
"use strict";
require("./dist/cli.js").runCommand();
