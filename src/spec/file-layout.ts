import { LEGACY_BILLING_V1 } from './legacy-billing-v1.js'
import { COLUMN_GROUPS, type ColumnGroup, type SpecColumn } from './spec-column.js'

/** `single`: one `full` file with every group; `split`: a `customer` file and a `usage` file. */
export const LAYOUTS = ['single', 'split'] as const
export type Layout = (typeof LAYOUTS)[number]

/** The data-type token of a file name. */
export const FILE_TYPES = ['full', 'customer', 'usage'] as const
export type FileType = (typeof FILE_TYPES)[number]

/**
 * The spec does not say whether the single `full` file carries `service_point_id` once (in the service
 * point group) or twice (again at the start of the usage group). The mapping must say which.
 */
export const SERVICE_POINT_ID_MODES = ['once', 'twice'] as const
export type ServicePointIdMode = (typeof SERVICE_POINT_ID_MODES)[number]

/** The column list of one file type: the header, in order, with what each column allows. */
export interface FileSpec {
  readonly fileType: FileType
  readonly columns: readonly SpecColumn[]
}

export interface LayoutOptions {
  readonly servicePointIdInFull: ServicePointIdMode
  /**
   * The Delivery Team's template header per file type (column names in order). When given it replaces
   * the spec pack's list for that file type: known names keep their rules, unknown ones are plain text.
   */
  readonly templateHeaders?: Partial<Record<FileType, readonly string[]>>
}

const GROUPS_OF: Record<FileType, readonly ColumnGroup[]> = {
  full: COLUMN_GROUPS,
  customer: ['customer', 'account', 'service_point'],
  usage: ['usage'],
}

export function fileTypesOf(layout: Layout): readonly FileType[] {
  return layout === 'single' ? ['full'] : ['customer', 'usage']
}

/** The spec pack's own column list for a file type, before any template header. */
export function specColumnsOf(fileType: FileType, servicePointIdInFull: ServicePointIdMode): SpecColumn[] {
  const columns: SpecColumn[] = []
  for (const group of GROUPS_OF[fileType]) {
    for (const column of LEGACY_BILLING_V1.groups[group]) {
      const repeatsServicePoint = fileType === 'full' && group === 'usage' && column.name === 'service_point_id'
      if (repeatsServicePoint && servicePointIdInFull === 'once') continue
      columns.push(column)
    }
  }
  return columns
}

/** Builds the file specs of a layout: one for `single`, two (customer first) for `split`. */
export function fileSpecsOf(layout: Layout, options: LayoutOptions): FileSpec[] {
  return fileTypesOf(layout).map((fileType) => {
    const template = options.templateHeaders?.[fileType]
    const own = specColumnsOf(fileType, options.servicePointIdInFull)
    return { fileType, columns: template ? columnsFromTemplate(template, own) : own }
  })
}

/**
 * Takes a template header's names as the column list. A known name keeps the spec pack's rules (and is no
 * longer provisional: the template confirms it); an unknown name becomes an optional text column of the
 * group it stands in.
 */
export function columnsFromTemplate(header: readonly string[], own: readonly SpecColumn[]): SpecColumn[] {
  const unused = [...own]
  let group: ColumnGroup = own[0]?.group ?? 'customer'
  return header.map((name) => {
    const index = unused.findIndex((column) => column.name === name)
    if (index < 0) return { name, group, kind: 'string', required: false, status: 'template' }
    const [known] = unused.splice(index, 1) as [SpecColumn]
    group = known.group
    return known.status === 'provisional' || known.status === 'name_only' ? { ...known, status: 'template' } : known
  })
}

/** The header line of a file spec, without line terminator. */
export function headerOf(spec: FileSpec): string {
  return spec.columns.map((column) => column.name).join('\t')
}
