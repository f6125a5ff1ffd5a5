import type { Mapping } from '../config/mapping.js'
import { finding, type Finding } from './check-finding.js'

/**
 * The delivery part of `check`'s doctor findings: whether the SFTP server is reachable with a known host
 * key. This is the hook for the transport; until it exists, check says that it did not look.
 */
export async function deliveryFindings(_mapping: Mapping): Promise<Finding[]> {
  return [finding('info', 'delivery', 'SFTP reachability and host key are not checked in this version')]
}
