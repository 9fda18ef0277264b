import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built after @coffer/sdk (root `npm run build`: sdk, server, console), which the console imports from its dist.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', reportCompressedSize: false },
});
