import { z } from 'zod'

/**
 * The `delivery` section of a mapping: where `send` and `run` put the files. Secrets (user, private key,
 * passphrase) are written as `${env:NAME}` or `${file:PATH}` references and resolved only when connecting.
 */
const reference = (description: string) =>
  z
    .string()
    .regex(/^\$\{(env|file):.+\}$/, 'expected a reference ${env:NAME} or ${file:PATH}, never the secret itself')
    .meta({ description })

const secretable = (description: string) => z.union([z.string(), z.number()]).meta({ description })

const remoteFolder = (description: string) =>
  z.string().regex(/^\/\S*$/, 'expected an absolute remote folder such as /shared_files (exact case)').meta({ description })

const sftpSchema = z
  .strictObject({
    host: secretable('SFTP server host name (from the Delivery Team).'),
    port: z.number().int().min(1).max(65535).optional().meta({ description: 'SFTP port (default 22).' }),
    user: secretable('SFTP user id issued by the Delivery Team, or a ${env:…} reference.'),
    private_key: reference('Private key for key authentication: ${file:/path/to/id_ed25519} or ${env:NAME}.'),
    passphrase: reference('Passphrase of the private key, if it has one.').optional(),
    host_key: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .meta({ description: 'Pinned host key fingerprint(s) as printed by ssh-keygen -lf: SHA256:<base64>.' }),
    known_hosts: z
      .string()
      .optional()
      .meta({ description: 'A known_hosts file (relative to the mapping file) holding the server key; give this or host_key.' }),
    timeout_seconds: z.number().positive().optional().meta({ description: 'Connect and reply timeout (default 30).' }),
  })
  .superRefine((sftp, ctx) => {
    if (sftp.host_key === undefined && sftp.known_hosts === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['host_key'],
        message: 'the server host key must be pinned: give host_key (SHA256:… fingerprint) or known_hosts (a file)',
      })
    }
    for (const pin of [sftp.host_key ?? []].flat()) {
      if (!/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(pin)) {
        ctx.addIssue({
          code: 'custom',
          path: ['host_key'],
          message: `"${pin}" is not a SHA256 fingerprint (expected SHA256: and 43 base64 characters, as ssh-keygen -lf prints)`,
        })
      }
    }
  })
  .meta({ description: 'The SFTP server (key authentication only, host key pinned).' })

const manifestSchema = z
  .strictObject({
    enabled: z.boolean().optional().meta({ description: 'Send a fileset transfer manifest before the first data file (default false).' }),
    version: z.union([z.string(), z.number()]).optional().meta({ description: 'meta.version written into the manifest (default "1"; ask the Delivery Team).' }),
    validity_window: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'transfer.validity_window in seconds: how long Opower waits for the listed files (default 86400).' }),
    name: z
      .string()
      .regex(/^(?!\.)[^/\\]+$/, 'expected a file name without folders')
      .optional()
      .meta({ description: 'Manifest file name; {utility} and {timestamp} are replaced (default manifest_{utility}_{timestamp}.yaml).' }),
    files_key: z
      .string()
      .regex(/^[a-z_]+(\.[a-z_]+)*$/, 'expected a dotted key such as transfer.files')
      .optional()
      .meta({ description: 'Where the file list goes in the manifest (default transfer.files).' }),
    extra: z.record(z.string(), z.unknown()).optional().meta({ description: 'Further top-level manifest keys the Delivery Team asks for.' }),
  })
  .meta({ description: 'The optional Fileset Transfer Manifest (YAML); only meta.version and transfer.validity_window are documented.' })

export const DELIVERY_TARGETS = ['sftp', 'local'] as const

export const deliverySchema = z
  .strictObject({
    target: z.enum(DELIVERY_TARGETS).meta({ description: 'sftp (the Opower server) or local (a folder standing in for it: demo, tests).' }),
    sftp: sftpSchema.optional(),
    local: z
      .strictObject({ folder: z.string().meta({ description: 'Folder that stands for the server root, relative to the mapping file.' }) })
      .optional()
      .meta({ description: 'The local folder target.' }),
    shared_folder: remoteFolder('Onboarding folder for samples, historicals and unapproved incrementals (default /shared_files).').optional(),
    production_folder: remoteFolder('Production upload folder, loaded automatically (default /Uploads; confirm the case on the server).').optional(),
    production: z
      .boolean()
      .optional()
      .meta({ description: 'Switch set after the Delivery Team approves an incremental: incrementals go to production_folder and are accepted on delivery (default false).' }),
    retries: z.number().int().min(0).max(10).optional().meta({ description: 'Retries of a failed upload (default 3).' }),
    retry_delay_seconds: z.number().min(0).optional().meta({ description: 'First retry delay, doubled each time up to 5 minutes (default 5).' }),
    archive: z.string().optional().meta({ description: 'Folder keeping a copy of every sent file (default <output.folder>/../archive).' }),
    manifest: manifestSchema.optional(),
    on_failure: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          'Command (run by the shell) when `run` fails, for the utility\'s alerting; it gets OPOWER_EXTRACT_EXIT_CODE, OPOWER_EXTRACT_ERROR_CODE, OPOWER_EXTRACT_MESSAGE and OPOWER_EXTRACT_SUMMARY.',
      }),
  })
  .superRefine((delivery, ctx) => {
    if (delivery.target === 'sftp' && !delivery.sftp) {
      ctx.addIssue({ code: 'custom', path: ['sftp'], message: 'target sftp needs an sftp section (host, user, private_key, host_key or known_hosts)' })
    }
    if (delivery.target === 'local' && !delivery.local) {
      ctx.addIssue({ code: 'custom', path: ['local'], message: 'target local needs local.folder' })
    }
    const shared = delivery.shared_folder ?? '/shared_files'
    if (!shared.endsWith('/shared_files')) {
      ctx.addIssue({
        code: 'custom',
        path: ['shared_folder'],
        message: `"${shared}" is not a shared_files folder: samples and historicals may only go to /shared_files (exact case)`,
      })
    }
    // Compared ignoring case: an SFTP server on Windows takes /Shared_Files and /shared_files for one folder.
    if (delivery.production_folder !== undefined && delivery.production_folder.toLowerCase() === shared.toLowerCase()) {
      ctx.addIssue({ code: 'custom', path: ['production_folder'], message: 'the production folder must differ from the shared folder (also in more than letter case)' })
    }
  })
  .meta({ description: 'Where send and run deliver files.' })

export type WrittenDelivery = z.infer<typeof deliverySchema>
