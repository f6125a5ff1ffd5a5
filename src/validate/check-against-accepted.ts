import { AcceptedContinuity, type ReadPeriod } from './accepted-continuity.js'
import { openSpecFile } from './open-spec-file.js'
import type { Finding } from './validation-report.js'

/**
 * `validate --against-accepted`: continuity of the reads in `paths` (taken in the order given, which is
 * load order) against the accepted history of each service point (V71, V72, V78). Rows of one service
 * point are expected together, as the spec orders them (V27 reports a file that scatters them); memory
 * holds one service point's reads at a time.
 */
export async function checkAgainstAccepted(paths: readonly string[], accepted: (servicePointId: string) => readonly ReadPeriod[]): Promise<Finding[]> {
  const continuity = new AcceptedContinuity(accepted)
  for (const path of paths) {
    const file = await openSpecFile(path, { exampleLimit: 1 })
    try {
      let header: string[] | undefined
      let servicePoint: string | undefined
      let reads: ReadPeriod[] = []
      for await (const batch of file.lines()) {
        for (const line of batch.lines) {
          if (line === '') continue
          if (!header) {
            header = line.split('\t')
            if (!header.includes('usage_value')) break // a customer file: no reads
            continue
          }
          const values = line.split('\t')
          const value = (name: string) => values[header!.indexOf(name)] ?? ''
          const sp = value('service_point_id')
          if (sp !== servicePoint) {
            if (servicePoint !== undefined) continuity.check(servicePoint, reads)
            servicePoint = sp
            reads = []
          }
          reads.push({ dateTo: value('date_to'), duration: Number(value('duration')), accountId: value('account_id') })
        }
        if (header && !header.includes('usage_value')) break
      }
      if (servicePoint !== undefined) continuity.check(servicePoint, reads)
    } finally {
      file.close()
    }
  }
  return continuity.findings()
}
