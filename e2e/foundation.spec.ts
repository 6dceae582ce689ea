import { test, expect, chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/browser.ts';

test('the page loads and shows the GPU adapter and the memory meter', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'RevGNN Studio' })).toBeVisible();
  await expect(page.getByTestId('adapter-panel')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('adapter-vendor')).not.toBeEmpty();
  await expect(page.getByTestId('adapter-kind')).toContainText(/software|hardware/);
  await expect(page.getByTestId('memory-total')).toContainText(/B/);
  // Which kernel variant each family runs; before any run, the portable ones.
  await expect(page.getByTestId('kernel-gemm')).toContainText('register');
  await expect(page.getByTestId('kernel-spmm')).toContainText('lanes');
  expect(errors).toEqual([]);
});

test('?kernels= forces kernel variants, and the adapter panel says so', async ({ page }) => {
  await page.goto('/?kernels=gemm=tiled,spmm=rowblock');
  await expect(page.getByTestId('kernel-gemm')).toContainText('tiled — forced', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('kernel-spmm')).toContainText('rowblock — forced');
  await expect(page.getByTestId('kernel-norm')).toContainText('row');
  await page.goto('/?kernels=gemm=fast');
  await expect(page.getByText('gemm has no variant "fast"')).toBeVisible({ timeout: 60_000 });
});

test('without the WebGPU flag the page explains what to do instead of failing', async ({
  baseURL,
}) => {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: chromiumArgs({ webgpu: false }),
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(baseURL!);
    const notice = page.getByTestId('no-webgpu');
    await expect(notice).toBeVisible({ timeout: 60_000 });
    await expect(notice).toContainText('enable-unsafe-webgpu');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
