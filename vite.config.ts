/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, chromiumPath } from './scripts/browser.ts';

const isTest = !!process.env.VITEST;

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  server: {
    port: 5173,
    strictPort: false,
    // Browser tests read the real datasets in ../shared through Vitest's readFile command.
    ...(isTest ? { fs: { allow: ['.', '../shared'] } } : {}),
  },
  preview: { port: 4173, strictPort: true },
  // The app's dependencies, bundled before the first test runs: a test server that finds one late
  // (a request that reaches index.html pre-transforms main.tsx) reloads the browser mid-run, and a
  // reloaded test file can leave Vitest waiting forever.
  ...(isTest
    ? {
        optimizeDeps: {
          include: [
            'react',
            'react/jsx-runtime',
            'react/jsx-dev-runtime',
            'react-dom/client',
            'recharts',
            'comlink',
            'fflate',
          ],
        },
      }
    : {}),
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One browser, files in sequence: SwiftShader already uses both cores.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.node.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: isTest
              ? playwright({
                  launchOptions: { executablePath: chromiumPath(), args: chromiumArgs() },
                })
              : undefined,
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.node.test.ts', 'scripts/**/*.node.test.ts'],
          environment: 'node',
        },
      },
    ],
  },
});
