import { defineConfig } from '@vkmp/sdk';

export default defineConfig({
  services: ['services/*/service.ts'],
  outDir: 'dist',
});
