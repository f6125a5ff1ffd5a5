/**
 * The tokens of a spec file name, split loosely (on `_`, extension after the last `.`) so that each
 * file-name rule can judge its own token even when the name as a whole does not match V01.
 * `opwr_gec_res_v1-19-0_full_20220411093000.gz` gives utility `gec`, population `res`, version `v1-19-0`,
 * type `full`, timestamp `20220411093000`, extension `gz`.
 */
export interface FileNameParts {
  /** The name without its extension. */
  readonly stem: string
  /** After the last `.`; empty when there is none. */
  readonly extension: string
  readonly prefix: string
  readonly utility: string
  readonly population: string
  /** Everything between population and type: a version written with `_` stays one token. */
  readonly version: string
  readonly fileType: string
  readonly timestamp: string
}

/** The name's tokens, or undefined when it has fewer than the six `_`-separated parts of the template. */
export function fileNameParts(name: string): FileNameParts | undefined {
  const dot = name.lastIndexOf('.')
  const stem = dot < 0 ? name : name.slice(0, dot)
  const extension = dot < 0 ? '' : name.slice(dot + 1)
  const tokens = stem.split('_')
  if (tokens.length < 6) return undefined
  const at = (i: number): string => tokens[i] ?? ''
  return {
    stem,
    extension,
    prefix: at(0),
    utility: at(1),
    population: at(2),
    version: tokens.slice(3, -2).join('_'),
    fileType: at(tokens.length - 2),
    timestamp: at(tokens.length - 1),
  }
}

/** `name` without a `.gz` or `.zip` extension: the base an inner file name must share (V13). */
export function archiveBase(name: string): string {
  return name.replace(/\.(gz|zip)$/, '')
}
