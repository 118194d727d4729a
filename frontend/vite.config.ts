import { defineConfig } from 'vitest/config';

// The app is served by the Go binary from dist/ (embedded); during `npm run dev`, /api goes to
// a running `routewatch serve` (ROUTEWATCH_API, default http://127.0.0.1:8080).
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': process.env.ROUTEWATCH_API ?? 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
