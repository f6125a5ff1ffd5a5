import { z } from 'zod'
import { mappingSchema } from './mapping.schema.js'

/**
 * The JSON Schema of mapping files, generated from the zod schema (descriptions included), as the text
 * committed in schemas/mapping.schema.json. Editors (yaml-language-server) use it for completion and
 * hover help; `npm run schema` rewrites the file and a test fails when it has drifted.
 */
export function mappingJsonSchemaText(): string {
  const schema = z.toJSONSchema(mappingSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' })
  return `${JSON.stringify(schema, null, 2)}\n`
}
