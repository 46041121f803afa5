import { defineConfig } from "vite";

// The app is served by `reftrack serve` from assets embedded in the binary (cmake/web.cmake), under a strict
// Content-Security-Policy: no inline scripts or styles, nothing from another origin. So nothing is inlined
// (assetsInlineLimit 0), the module-preload polyfill (an inline script helper) is off, and every file
// name under assets/ carries a content hash, which lets the server cache them for a year.
export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    target: "es2020",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    cssCodeSplit: false,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` against a running server: REFTRACK_URL=http://127.0.0.1:8080 npm run dev
    proxy: {
      "/api": process.env.REFTRACK_URL ?? "http://127.0.0.1:8080",
      "/r/": process.env.REFTRACK_URL ?? "http://127.0.0.1:8080",
    },
  },
});
