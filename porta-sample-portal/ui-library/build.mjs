// SPDX-License-Identifier: Apache-2.0
// Bundles Microsoft's unmodified UI Library (CallComposite) against Porta's calling library: the ACS calling
// SDK is aliased to Porta's ACS entry and the proprietary effects package to Porta's stand-in. Offline: it
// reads only node_modules and this repository. Output: dist/ (index.html, guest.js, guest.css if any).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sdk = join(here, '..', '..', 'porta-web', 'src', 'main', 'resources', 'web', 'sdk');
const dist = join(here, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: { guest: join(here, 'src', 'guest.jsx') },
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  logLevel: 'info',
  define: { 'process.env.NODE_ENV': '"production"' },
  jsx: 'automatic',
  alias: {
    '@azure/communication-calling': join(sdk, 'porta-calling-acs.js'),
    '@azure/communication-calling-effects': join(sdk, 'porta-calling-effects.js'),
  },
});
copyFileSync(join(here, 'src', 'index.html'), join(dist, 'index.html'));
