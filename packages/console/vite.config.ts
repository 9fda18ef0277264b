import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The console talks to the API through @coffer/sdk; a temporary stand-in is used only while the SDK is absent. */
function sdkAlias(): Record<string, string> {
  try {
    createRequire(import.meta.url).resolve('@coffer/sdk');
    return {};
  } catch {
    console.warn('@coffer/sdk is not built: using dev/sdk-shim.ts');
    return { '@coffer/sdk': fileURLToPath(new URL('./dev/sdk-shim.ts', import.meta.url)) };
  }
}

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  resolve: { alias: sdkAlias() },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', reportCompressedSize: false },
});
