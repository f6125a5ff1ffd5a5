import { loadMapping } from '../../config/load-mapping.js'
import { mappingKeyOf } from '../../state/mapping-key.js'
import { StateStore, type RunRecord } from '../../state/state-store.js'
import { acquireWorkspaceLock } from '../../state/workspace-lock.js'
import type { RunContext } from '../run-context.js'

/** Opens the mapping's workspace under its lock, records a verdict and prints what it changed. */
export function recordVerdict(context: RunContext, mappingFile: string, verdict: (state: StateStore, now: string) => RunRecord): void {
  const { mapping } = loadMapping(mappingFile)
  const release = acquireWorkspaceLock(mapping.output.state, 'verdict', (owner) =>
    context.output.log(`taking over a stale workspace lock of pid ${owner.pid} (${owner.command}, ${owner.started})`),
  )
  const state = StateStore.open(mapping.output.state)
  try {
    const run = verdict(state, new Date().toISOString())
    context.output.result(`run ${run.runId} (${run.phase}): ${run.status} ${run.verdictAt ?? ''}`.trimEnd())
    const baseline = state.baseline(mappingKeyOf(mapping))
    if (!baseline) context.output.result('incrementals: no accepted full historical yet; the next incremental needs one')
    else {
      const last = baseline.last
      const upper = last.window?.kind === 'incremental' ? last.window.upper : `the end of ${last.windowTo} (historical as of ${last.windowTo})`
      context.output.result(`the next incremental continues from ${last.runId}: changes from ${upper} (minus the lookback)`)
    }
  } finally {
    state.close()
    release()
  }
}
