import type { Check } from './check.js'
import { v01FileNamePattern } from './checks/v01-file-name-pattern.js'
import { v02UtilityCode } from './checks/v02-utility-code.js'
import { v03PopulationToken } from './checks/v03-population-token.js'
import { v04VersionToken } from './checks/v04-version-token.js'
import { v05DataTypeToken } from './checks/v05-data-type-token.js'
import { v06TimestampToken } from './checks/v06-timestamp-token.js'
import { v09FileNameLength } from './checks/v09-file-name-length.js'
import { v10CompressedExtension } from './checks/v10-compressed-extension.js'
import { v11ZipSingleEntry } from './checks/v11-zip-single-entry.js'
import { v12Decompresses } from './checks/v12-decompresses.js'
import { v13InnerFileName } from './checks/v13-inner-file-name.js'
import { v16ValidUtf8 } from './checks/v16-valid-utf8.js'
import { v17NoBom } from './checks/v17-no-bom.js'
import { v18Header } from './checks/v18-header.js'
import { v19SingleHeader } from './checks/v19-single-header.js'
import { v20RowWidth } from './checks/v20-row-width.js'
import { v21ControlCharacters } from './checks/v21-control-characters.js'
import { v22LineEndings } from './checks/v22-line-endings.js'
import { v23FinalNewline } from './checks/v23-final-newline.js'
import { v24NullLiterals } from './checks/v24-null-literals.js'
import { v25SurroundingWhitespace } from './checks/v25-surrounding-whitespace.js'
import { v26HasRows } from './checks/v26-has-rows.js'
import { v27RepeatedServicePoint } from './checks/v27-repeated-service-point.js'
import { v28CustomerId } from './checks/v28-customer-id.js'
import { v29PremiseId } from './checks/v29-premise-id.js'
import { v31SecondaryId } from './checks/v31-secondary-id.js'
import { v32CustomerType } from './checks/v32-customer-type.js'
import { v33RequiredColumns } from './checks/v33-required-columns.js'
import { v34AccountId } from './checks/v34-account-id.js'
import { v35ActiveDate } from './checks/v35-active-date.js'
import { v36InactiveDate } from './checks/v36-inactive-date.js'
import { v37ActiveBeforeInactive } from './checks/v37-active-before-inactive.js'
import { v39AccountDeletionFlag } from './checks/v39-account-deletion-flag.js'
import { v44ReadCycle } from './checks/v44-read-cycle.js'
import { v45ServicePointRequired } from './checks/v45-service-point-required.js'
import { v46ServiceState } from './checks/v46-service-state.js'
import { v48ServiceZipCode } from './checks/v48-service-zip-code.js'
import { v51MeterEnums } from './checks/v51-meter-enums.js'
import { v55UsageRequired } from './checks/v55-usage-required.js'
import { v56UsageValueFormat } from './checks/v56-usage-value-format.js'
import { v57UsageValueMax } from './checks/v57-usage-value-max.js'
import { v58UsageValueSign } from './checks/v58-usage-value-sign.js'
import { v59DateTo } from './checks/v59-date-to.js'
import { v61DurationFormat } from './checks/v61-duration-format.js'
import { v62DurationBand } from './checks/v62-duration-band.js'
import { v63IsEstimate } from './checks/v63-is-estimate.js'
import { v64UsageChargeFormat } from './checks/v64-usage-charge-format.js'
import { v65DuplicateRows } from './checks/v65-duplicate-rows.js'
import { v66ServicePointOrder } from './checks/v66-service-point-order.js'

/** Every implemented rule, in rule order: the order of the report and of a rule-coverage table. */
export const RULE_CATALOG: readonly Check[] = [
  v01FileNamePattern,
  v02UtilityCode,
  v03PopulationToken,
  v04VersionToken,
  v05DataTypeToken,
  v06TimestampToken,
  v09FileNameLength,
  v10CompressedExtension,
  v11ZipSingleEntry,
  v12Decompresses,
  v13InnerFileName,
  v16ValidUtf8,
  v17NoBom,
  v18Header,
  v19SingleHeader,
  v20RowWidth,
  v21ControlCharacters,
  v22LineEndings,
  v23FinalNewline,
  v24NullLiterals,
  v25SurroundingWhitespace,
  v26HasRows,
  v27RepeatedServicePoint,
  v28CustomerId,
  v29PremiseId,
  v31SecondaryId,
  v32CustomerType,
  v33RequiredColumns,
  v34AccountId,
  v35ActiveDate,
  v36InactiveDate,
  v37ActiveBeforeInactive,
  v39AccountDeletionFlag,
  v44ReadCycle,
  v45ServicePointRequired,
  v46ServiceState,
  v48ServiceZipCode,
  v51MeterEnums,
  v55UsageRequired,
  v56UsageValueFormat,
  v57UsageValueMax,
  v58UsageValueSign,
  v59DateTo,
  v61DurationFormat,
  v62DurationBand,
  v63IsEstimate,
  v64UsageChargeFormat,
  v65DuplicateRows,
  v66ServicePointOrder,
]

/**
 * Why a rule has no check yet:
 * - `later`: judgeable within one file, not built yet;
 * - `needs-config`: judgeable within one file once options carry the setting it names;
 * - `cross-delivery`: needs other files of the delivery or the accepted history (state store);
 * - `not-in-file`: needs the source system or the clock of the run, not the file;
 * - `generator`: a duty of the extract/send commands, not of a file.
 */
export type NotImplementedKind = 'later' | 'needs-config' | 'cross-delivery' | 'not-in-file' | 'generator'

/** A rule of VALIDATION-RULES.md without a check, and why. */
export interface NotImplementedRule {
  readonly rule: string
  readonly kind: NotImplementedKind
  readonly reason: string
}

const rule = (id: string, kind: NotImplementedKind, reason: string): NotImplementedRule => ({ rule: id, kind, reason })

/** Every rule V01–V88 that is not in {@link RULE_CATALOG}. A test keeps the two lists complete and disjoint. */
export const NOT_IMPLEMENTED: readonly NotImplementedRule[] = [
  rule('V07', 'cross-delivery', 'timestamps strictly increase across the delivery and against the last file sent'),
  rule('V08', 'not-in-file', "needs the generation clock and the utility's time zone"),
  rule('V14', 'cross-delivery', 'both files of a two-file delivery, customer first'),
  rule('V15', 'cross-delivery', 'the fileset manifest of a delivery'),
  rule('V30', 'needs-config', 'ccb_account_id required only when the utility runs Oracle CC&B'),
  rule('V38', 'not-in-file', "inactive_date not in the future needs the utility's today"),
  rule('V40', 'needs-config', 'deletion flags allowed only once Opower enabled them'),
  rule('V41', 'later', 'deletion flag only on the newest account of its service point'),
  rule('V42', 'cross-delivery', 'active_date stable per account, in the file and against accepted files'),
  rule('V43', 'later', 'active_date equals the start of the earliest read'),
  rule('V47', 'later', 'service_city does not end with the state'),
  rule('V49', 'later', 'service_unit present on multi-unit addresses'),
  rule('V50', 'later', 'service_unit is not meter-location text'),
  rule('V52', 'cross-delivery', 'one premise per service point across the file and history'),
  rule('V53', 'cross-delivery', 'a service point keeps its address across rows and deliveries'),
  rule('V54', 'cross-delivery', 'one service point per premise and fuel type'),
  rule('V60', 'not-in-file', 'date_to not in the future and not before history_start'),
  rule('V67', 'not-in-file', 'correction order needs the source update timestamp'),
  rule('V68', 'later', 'same-period duplicates with identical values are collapsed'),
  rule('V69', 'not-in-file', "the last row of an entity carries the source's current values: needs the source"),
  rule('V70', 'cross-delivery', 'read contiguity (gaps and overlaps) per service point'),
  rule('V71', 'cross-delivery', 'overlaps only as exact or overlapping overwrites'),
  rule('V72', 'cross-delivery', 'gap reporting per service point and account'),
  rule('V73', 'cross-delivery', 'an overlapping overwrite covers its whole span'),
  rule('V74', 'cross-delivery', 'usage service points exist in a customer file'),
  rule('V75', 'cross-delivery', 'one account belongs to one customer'),
  rule('V76', 'cross-delivery', 'one customer per premise at a time'),
  rule('V77', 'cross-delivery', 'account intervals per service point do not overlap'),
  rule('V78', 'cross-delivery', 'incremental continuity against the last accepted read'),
  rule('V79', 'not-in-file', 'incremental completeness against the source'),
  rule('V80', 'cross-delivery', 'sample historical scope'),
  rule('V81', 'not-in-file', 'full historical scope against the source population'),
  rule('V82', 'generator', 'upload target folder'),
  rule('V83', 'generator', 'incremental cadence and deadline'),
  rule('V84', 'generator', 'local archive of every sent file'),
  rule('V85', 'cross-delivery', 'identical header across phases'),
  rule('V86', 'generator', 'no UNVERIFIED columns in production mappings'),
  rule('V87', 'generator', 'the round-trip re-validation (this validator is what it runs)'),
  rule('V88', 'generator', 'the validation report kept next to the archive'),
]
