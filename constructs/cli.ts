#!/usr/bin/env node
// The `cdk8s-model-serving` command: `cdk8s-model-serving check <files or folders...>`.
import { runCli } from './check/cli';

process.exitCode = runCli(process.argv.slice(2));
