import { defineConfig } from 'vite';

// `npm run build` writes dist/, which the node serves at / (see docs/web.md).
// `npm run dev` serves the app with hot reload and forwards the API and hub to a node started
// with `dotnet run --project Silo` (http://127.0.0.1:5080).
const node = process.env.SEQLINE_NODE ?? 'http://127.0.0.1:5080';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      onwarn(warning, warn) {
        // @microsoft/signalr's ESM build carries /*#__PURE__*/ comments Rollup cannot place; harmless.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('@microsoft/signalr')) return;
        warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': node,
      '/hubs': { target: node, ws: true },
    },
  },
});
