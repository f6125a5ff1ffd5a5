import type { Mapping } from '../config/mapping.js'

/**
 * The delivery stream a mapping feeds: its utility and population, as in the file names. Watermarks and
 * accepted reads are kept per stream, so a mapping file may be moved or renamed without losing them.
 */
export function mappingKeyOf(mapping: Pick<Mapping, 'utility' | 'population'>): string {
  return `${mapping.utility}_${mapping.population}`
}
