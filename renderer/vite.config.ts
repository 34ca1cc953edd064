// The kiosk renderer: built once into dist/renderer and loaded by the kiosk window (file://),
// by the e2e tests and by the scan-to-screen benchmark. base './' keeps every URL relative.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// import.meta.dirname (Node 20.11+) rather than node:url: lint keeps Node imports out of renderer/.
const root = import.meta.dirname;

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${root}/../dist/renderer`,
    emptyOutDir: true,
    // Chromium of Electron 45 and Debian's Chromium: no legacy transpiling needed.
    target: 'chrome130',
    sourcemap: true,
    reportCompressedSize: false,
  },
});
