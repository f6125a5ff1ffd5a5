import { ToolkitError } from '../errors/toolkit-error.js'
import { FILE_TYPES, type FileType } from '../spec/file-layout.js'
import { COMPRESSIONS, type Compression } from './compress-stage.js'

/** The population token of a file name (LEGACY-BILLING-SPEC.md §5): `res` by default. */
export const POPULATION_TOKENS = ['res', 'nonres', 'nonres-smb', 'nonres-lci'] as const
export type PopulationToken = (typeof POPULATION_TOKENS)[number]

/** The parts of `opwr_<utility>_<population>_<version>_<fileType>_<timestamp>.<compression>`. */
export interface FileNameParts {
  /** 3–4 lowercase letters or digits agreed with the Delivery Team, e.g. `gec`. */
  readonly utility: string
  readonly population: PopulationToken
  /** Three numbers joined by hyphens, with or without a leading `v`: `v1-19-0`. */
  readonly specVersion: string
  readonly fileType: FileType
  /** 14 digits, `yyyyMMddHHmmss`, local time of the utility (see nextFileTimestamp). */
  readonly timestamp: string
  readonly compression: Compression
}

// VALIDATION-RULES.md V01, with named groups (LEGACY-BILLING-SPEC.md §5).
const FILE_NAME =
  /^opwr_(?<utility>[a-z0-9]{3,4})_(?<population>res|nonres|nonres-smb|nonres-lci)_(?<version>v?\d+-\d+-\d+)_(?<type>full|customer|usage)_(?<ts>\d{14})\.(?<ext>gz|zip)$/
const UTILITY = /^[a-z0-9]{3,4}$/
const SPEC_VERSION = /^v?\d+-\d+-\d+$/
const TIMESTAMP = /^\d{14}$/

/**
 * Builds a spec file name, refusing any part the V01 pattern would not accept, so a wrong mapping value
 * fails before hours of extraction rather than at validation.
 *
 * ```ts
 * buildFileName({ utility: 'gec', population: 'res', specVersion: 'v1-19-0', fileType: 'full',
 *   timestamp: '20220411093000', compression: 'gz' }) // 'opwr_gec_res_v1-19-0_full_20220411093000.gz'
 * ```
 */
export function buildFileName(parts: FileNameParts): string {
  const { utility, population, specVersion, fileType, timestamp, compression } = parts
  if (!UTILITY.test(utility)) {
    throw invalidPart('utility', utility, 'the utility code agreed with the Delivery Team: 3–4 lowercase letters or digits, e.g. "gec"')
  }
  if (!(POPULATION_TOKENS as readonly string[]).includes(population)) {
    throw invalidPart('population', population, `one of ${POPULATION_TOKENS.join(', ')}`)
  }
  if (!SPEC_VERSION.test(specVersion)) {
    throw invalidPart('spec version', specVersion, 'three numbers joined by hyphens, e.g. "v1-19-0" (no dots or underscores)')
  }
  if (!(COMPRESSIONS as readonly string[]).includes(compression)) {
    throw invalidPart('compression', compression, 'gz or zip')
  }
  // The data type and the timestamp come from the code, not from a person: a wrong one is a bug.
  if (!(FILE_TYPES as readonly string[]).includes(fileType)) {
    throw new Error(`internal: file type "${fileType}" is not one of ${FILE_TYPES.join(', ')}`)
  }
  if (!TIMESTAMP.test(timestamp)) {
    throw new Error(`internal: file timestamp "${timestamp}" is not 14 digits (yyyyMMddHHmmss)`)
  }
  return `opwr_${utility}_${population}_${specVersion}_${fileType}_${timestamp}.${compression}`
}

/** Splits a file name into its parts, or returns null when it does not match VALIDATION-RULES.md V01. */
export function parseFileName(name: string): FileNameParts | null {
  const groups = FILE_NAME.exec(name)?.groups
  if (groups === undefined) return null
  return {
    utility: groups.utility as string,
    population: groups.population as PopulationToken,
    specVersion: groups.version as string,
    fileType: groups.type as FileType,
    timestamp: groups.ts as string,
    compression: groups.ext as Compression,
  }
}

function invalidPart(part: string, value: string, expected: string): ToolkitError {
  return new ToolkitError('MAPPING_INVALID', `file name ${part} "${value}" is not valid: expected ${expected}`, {
    hint: `fix the ${part} in the mapping; file names follow opwr_<utility>_<population>_<version>_<type>_<yyyyMMddHHmmss>.<gz|zip>`,
  })
}
