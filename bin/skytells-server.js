#!/usr/bin/env node
import '../dist/main/server-cli.js';
