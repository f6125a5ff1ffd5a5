import { basename } from 'node:path'
import { FILE_TYPES, specColumnsOf, type FileSpec, type FileType } from '../spec/file-layout.js'
import type { ValidatedFile } from './check.js'
import type { ContentFacts } from './content-facts.js'
import { fileNameParts, type FileNameParts } from './file-name-parts.js'
import type { Container, OpenedSpecFile } from './open-spec-file.js'
import type { ValidationOptions } from './validation-options.js'
import { ReadSteps } from './read-steps.js'
import type { ZipEntryFact } from './zip-archive.js'

/** The driver's writable side of {@link ValidatedFile}. */
export class FileState implements ValidatedFile {
  readonly path: string
  readonly name: string
  readonly nameParts: FileNameParts | undefined
  readonly fileType: FileType | undefined
  readonly expected: FileSpec | undefined
  readonly container: Container
  readonly innerName: string | undefined
  readonly zipEntries: readonly ZipEntryFact[]
  readonly zipEntryCount: number
  readonly content: ContentFacts
  header: readonly string[] = []
  hasHeader = false
  headerLine = ''
  rows = 0
  line = ''
  ascii = true
  otherWhitespace = true
  #first = new Map<string, number>()
  #last = new Map<string, number>()
  #carried: Set<string> | undefined
  #readSteps: ReadSteps | undefined

  constructor(opened: OpenedSpecFile, options: ValidationOptions) {
    this.path = opened.path
    this.name = basename(opened.path)
    this.nameParts = fileNameParts(this.name)
    this.fileType = options.expected?.fileType ?? fileTypeToken(this.nameParts)
    this.expected = options.expected ?? expectedOf(this.fileType, options)
    this.container = opened.container
    this.innerName = opened.innerName
    this.zipEntries = opened.zipEntries
    this.zipEntryCount = opened.zipEntryCount
    this.content = opened.facts
  }

  setHeader(line: string): void {
    this.headerLine = line
    this.header = line.split('\t')
    this.hasHeader = true
    this.header.forEach((name, index) => {
      if (!this.#first.has(name)) this.#first.set(name, index)
      this.#last.set(name, index)
    })
  }

  get readSteps(): ReadSteps {
    this.#readSteps ??= new ReadSteps(this)
    return this.#readSteps
  }

  column(name: string): number {
    return this.#first.get(name) ?? -1
  }

  lastColumn(name: string): number {
    return this.#last.get(name) ?? -1
  }

  /**
   * Whether the file type carries these columns at all (by the spec pack's groups and the expected spec).
   * Unknown file type: assume it might.
   */
  carries(columns: readonly string[]): boolean {
    if (this.fileType === undefined) return true
    if (this.#carried === undefined) {
      this.#carried = new Set(specColumnsOf(this.fileType, 'twice').map((column) => column.name))
      for (const column of this.expected?.columns ?? []) this.#carried.add(column.name)
    }
    const known = this.#carried
    return columns.every((name) => known.has(name))
  }
}

function fileTypeToken(parts: FileNameParts | undefined): FileType | undefined {
  return FILE_TYPES.find((type) => type === parts?.fileType)
}

function expectedOf(fileType: FileType | undefined, options: ValidationOptions): FileSpec | undefined {
  if (fileType === undefined) return undefined
  return { fileType, columns: specColumnsOf(fileType, options.servicePointIdInFull) }
}
