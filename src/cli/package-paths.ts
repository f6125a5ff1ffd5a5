import { fileURLToPath } from 'node:url'

/** Files shipped with the toolkit, found from the compiled code's place (dist/src/cli). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const DEMO_MAPPING = fileURLToPath(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url))
