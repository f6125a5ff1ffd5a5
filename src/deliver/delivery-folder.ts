import type { DeliverySettings } from '../config/delivery-settings.js'
import { ToolkitError } from '../errors/toolkit-error.js'

export const DELIVERY_PHASES = ['sample', 'full', 'incremental'] as const
export type DeliveryPhase = (typeof DELIVERY_PHASES)[number]

export interface FolderChoice {
  readonly folder: string
  readonly production: boolean
}

/**
 * The folder guard (DESIGN.md "Folders"): samples only ever go to the shared folder; a full historical
 * goes to production only with the mapping's `production` switch *and* the run-time confirmation;
 * incrementals go to production once the mapping's switch is on (the Delivery Team approved one).
 * `toProduction` is the caller's wish for a historical (`send --confirm-historical-to-production`).
 */
export function chooseDeliveryFolder(phase: DeliveryPhase, settings: DeliverySettings, confirmHistoricalToProduction: boolean): FolderChoice {
  const shared = { folder: settings.sharedFolder, production: false }
  const production = { folder: settings.productionFolder, production: true }
  if (phase === 'incremental') return settings.production ? production : shared
  if (!confirmHistoricalToProduction) return shared
  if (phase === 'sample') {
    throw new ToolkitError('DELIVERY_FOLDER_REFUSED', `a sample historical never goes to the production folder ${settings.productionFolder}`, {
      hint: `send it without --confirm-historical-to-production: it goes to ${settings.sharedFolder}`,
    })
  }
  if (!settings.production) {
    throw new ToolkitError('DELIVERY_FOLDER_REFUSED', `--confirm-historical-to-production needs delivery.production: true in the mapping`, {
      hint: 'set delivery.production only after the Delivery Team approved production loading; until then historicals go to the shared folder',
    })
  }
  return production
}
