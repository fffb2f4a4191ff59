// Copies the libraries the dashboard loads into the jar's dashboard/vendor folder (Maven passes the folder).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const target = process.argv[2];
if (!target) {
  console.error('usage: node vendor.mjs <folder>');
  process.exit(2);
}
mkdirSync(target, { recursive: true });
// Chart.js's UMD build: one self-contained file that defines window.Chart, no bundler needed
copyFileSync('node_modules/chart.js/dist/chart.umd.min.js', join(target, 'chart.umd.min.js'));
copyFileSync('node_modules/chart.js/LICENSE.md', join(target, 'chart.js.LICENSE.md'));
