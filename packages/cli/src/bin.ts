#!/usr/bin/env node
// The `flavorstack` command. Start-up is part of the interface: the compile cache and lazily imported
// command modules keep `flavorstack --help` close to bare Node's start-up.
import module from "node:module";

module.enableCompileCache?.();
const { runCli } = await import("./run-cli.js");
process.exitCode = await runCli(process.argv);
