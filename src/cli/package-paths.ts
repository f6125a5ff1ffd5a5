import { fileURLToPath } from 'node:url'

/** Files shipped with the toolkit, found from the compiled code's place (dist/src/cli). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const DEMO_MAPPING = fileURLToPath(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url))
/** The starter mappings `init` copies. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url))
/** The JSON Schema of mapping files, generated from the zod schema (`npm run schema`). */
export const MAPPING_JSON_SCHEMA = fileURLToPath(new URL('../../../schemas/mapping.schema.json', import.meta.url))
