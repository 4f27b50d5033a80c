import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/** The console: built into web/dist, which the server serves at `/` (src/adapters/http/routes/console-routes.ts). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // The contract package is bundled from its TypeScript sources.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // No inline scripts or styles anywhere: the console's CSP allows 'self' only.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
