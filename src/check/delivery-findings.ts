import type { Mapping } from '../config/mapping.js'
import { createDeliveryTarget } from '../deliver/create-delivery-target.js'
import type { DeliveryTarget } from '../deliver/delivery-target.js'
import { isToolkitError } from '../errors/toolkit-error.js'
import { finding, type Finding } from './check-finding.js'

/**
 * The delivery part of `check`'s doctor findings: connects to the mapping's target the way `send` does
 * (host key checked against the pin, key login) and looks for the folders files will go to, without
 * sending anything. A problem is an error finding with the transport's own message and hint.
 */
export async function deliveryFindings(mapping: Mapping, env: Readonly<Record<string, string | undefined>>): Promise<Finding[]> {
  const settings = mapping.delivery
  if (!settings) {
    return [finding('info', 'delivery', `${mapping.file}: no delivery section, so send and run cannot deliver yet`, 'README.md "Delivery" shows one (target sftp or local)')]
  }
  const folders = [...new Set([settings.sharedFolder, ...(settings.production ? [settings.productionFolder] : [])])]
  let target: DeliveryTarget | undefined
  try {
    target = createDeliveryTarget(settings, { env, baseDir: mapping.dir }, mapping.file)
    await target.connect()
    const missing: string[] = []
    for (const folder of folders) if ((await target.stat(folder)) === undefined) missing.push(folder)
    if (missing.length > 0) {
      return [finding('error', 'delivery', `${target.label}: folder ${missing.join(', ')} not found`, 'folder names are case-sensitive: copy them exactly as the Delivery Team gave them (delivery.shared_folder, delivery.production_folder)')]
    }
    const checked = settings.target === 'sftp' ? 'host key matches the pin, login accepted, ' : ''
    return [finding('ok', 'delivery', `${target.label}: reachable, ${checked}${folders.join(' and ')} present`)]
  } catch (error) {
    if (isToolkitError(error)) return [finding('error', 'delivery', `${error.code}: ${error.message}`, error.hint)]
    throw error
  } finally {
    await target?.close().catch(() => undefined)
  }
}
