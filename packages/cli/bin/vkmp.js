#!/usr/bin/env node
import '../dist/vkmp.js';
