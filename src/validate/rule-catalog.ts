import type { Check } from './check.js'
import { v01FileNamePattern } from './checks/v01-file-name-pattern.js'
import { v02UtilityCode } from './checks/v02-utility-code.js'
import { v03PopulationToken } from './checks/v03-population-token.js'
import { v04VersionToken } from './checks/v04-version-token.js'
import { v05DataTypeToken } from './checks/v05-data-type-token.js'
import { v06TimestampToken } from './checks/v06-timestamp-token.js'
import { v08TimestampNotFuture } from './checks/v08-timestamp-not-future.js'
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
import { v30CcbAccountId } from './checks/v30-ccb-account-id.js'
import { v31SecondaryId } from './checks/v31-secondary-id.js'
import { v32CustomerType } from './checks/v32-customer-type.js'
import { v33RequiredColumns } from './checks/v33-required-columns.js'
import { v34AccountId } from './checks/v34-account-id.js'
import { v35ActiveDate } from './checks/v35-active-date.js'
import { v36InactiveDate } from './checks/v36-inactive-date.js'
import { v37ActiveBeforeInactive } from './checks/v37-active-before-inactive.js'
import { v38InactiveNotFuture } from './checks/v38-inactive-not-future.js'
import { v39AccountDeletionFlag } from './checks/v39-account-deletion-flag.js'
import { v40DeletionEnabled } from './checks/v40-deletion-enabled.js'
import { v41DeletionNewestAccount } from './checks/v41-deletion-newest-account.js'
import { v42ActiveDateStable } from './checks/v42-active-date-stable.js'
import { v43ActiveDateFirstRead } from './checks/v43-active-date-first-read.js'
import { v44ReadCycle } from './checks/v44-read-cycle.js'
import { v45ServicePointRequired } from './checks/v45-service-point-required.js'
import { v46ServiceState } from './checks/v46-service-state.js'
import { v47CityWithoutState } from './checks/v47-city-without-state.js'
import { v48ServiceZipCode } from './checks/v48-service-zip-code.js'
import { v49UnitOnSharedAddress } from './checks/v49-unit-on-shared-address.js'
import { v50UnitNotLocation } from './checks/v50-unit-not-location.js'
import { v51MeterEnums } from './checks/v51-meter-enums.js'
import { v52OnePremisePerServicePoint } from './checks/v52-one-premise-per-service-point.js'
import { v53ServicePointAddress } from './checks/v53-service-point-address.js'
import { v54OneServicePointPerFuel } from './checks/v54-one-service-point-per-fuel.js'
import { v55UsageRequired } from './checks/v55-usage-required.js'
import { v56UsageValueFormat } from './checks/v56-usage-value-format.js'
import { v57UsageValueMax } from './checks/v57-usage-value-max.js'
import { v58UsageValueSign } from './checks/v58-usage-value-sign.js'
import { v59DateTo } from './checks/v59-date-to.js'
import { v60DateToRange } from './checks/v60-date-to-range.js'
import { v61DurationFormat } from './checks/v61-duration-format.js'
import { v62DurationBand } from './checks/v62-duration-band.js'
import { v63IsEstimate } from './checks/v63-is-estimate.js'
import { v64UsageChargeFormat } from './checks/v64-usage-charge-format.js'
import { v65DuplicateRows } from './checks/v65-duplicate-rows.js'
import { v66ServicePointOrder } from './checks/v66-service-point-order.js'
import { v68SamePeriodValues } from './checks/v68-same-period-values.js'
import { v71Overlaps } from './checks/v71-overlaps.js'
import { v72Gaps } from './checks/v72-gaps.js'
import { v73OverwriteValue } from './checks/v73-overwrite-value.js'
import { v75AccountOneCustomer } from './checks/v75-account-one-customer.js'
import { v76OneCustomerPerPremise } from './checks/v76-one-customer-per-premise.js'
import { v77ServicePointTenancy } from './checks/v77-service-point-tenancy.js'
import { p01UnitConstant } from './plausibility/p01-unit-constant.js'
import { p02UsageOutliers } from './plausibility/p02-usage-outliers.js'
import { p03EstimatedShare } from './plausibility/p03-estimated-share.js'

/** Every implemented rule, in rule order: the order of the report and of a rule-coverage table. */
export const RULE_CATALOG: readonly Check[] = [
  v01FileNamePattern,
  v02UtilityCode,
  v03PopulationToken,
  v04VersionToken,
  v05DataTypeToken,
  v06TimestampToken,
  v08TimestampNotFuture,
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
  v30CcbAccountId,
  v31SecondaryId,
  v32CustomerType,
  v33RequiredColumns,
  v34AccountId,
  v35ActiveDate,
  v36InactiveDate,
  v37ActiveBeforeInactive,
  v38InactiveNotFuture,
  v39AccountDeletionFlag,
  v40DeletionEnabled,
  v41DeletionNewestAccount,
  v42ActiveDateStable,
  v43ActiveDateFirstRead,
  v44ReadCycle,
  v45ServicePointRequired,
  v46ServiceState,
  v47CityWithoutState,
  v48ServiceZipCode,
  v49UnitOnSharedAddress,
  v50UnitNotLocation,
  v51MeterEnums,
  v52OnePremisePerServicePoint,
  v53ServicePointAddress,
  v54OneServicePointPerFuel,
  v55UsageRequired,
  v56UsageValueFormat,
  v57UsageValueMax,
  v58UsageValueSign,
  v59DateTo,
  v60DateToRange,
  v61DurationFormat,
  v62DurationBand,
  v63IsEstimate,
  v64UsageChargeFormat,
  v65DuplicateRows,
  v66ServicePointOrder,
  v68SamePeriodValues,
  v71Overlaps,
  v72Gaps,
  v73OverwriteValue,
  v75AccountOneCustomer,
  v76OneCustomerPerPremise,
  v77ServicePointTenancy,
]

/**
 * Plausibility warnings beyond the spec (ids P01…): a unit that changes within a service point, usage
 * outliers per fuel, a large share of estimated reads. Durations outside the supported cycles are V62.
 */
export const PLAUSIBILITY_CHECKS: readonly Check[] = [p01UnitConstant, p02UsageOutliers, p03EstimatedShare]

/**
 * What `validateFile` runs by default. Checks that need more than the file (continuity against accepted
 * runs from the workspace state) are appended by the caller: `validateFile(path, options, [...DEFAULT_CHECKS, ...extra])`.
 */
export const DEFAULT_CHECKS: readonly Check[] = [...RULE_CATALOG, ...PLAUSIBILITY_CHECKS]

/**
 * Why a rule has no check yet:
 * - `cross-delivery`: needs other files of the delivery or the accepted history (state store): judged by
 *   `validateDelivery` (several files of one command) or by the continuity checks (workspace state);
 * - `covered`: a definition other rules report on (named in the reason);
 * - `not-in-file`: needs the source system or the clock of the run, not the file;
 * - `generator`: a duty of the extract/send commands, not of a file.
 */
export type NotImplementedKind = 'cross-delivery' | 'not-in-file' | 'generator' | 'covered'

/** A rule of VALIDATION-RULES.md without a check, and why. */
export interface NotImplementedRule {
  readonly rule: string
  readonly kind: NotImplementedKind
  readonly reason: string
}

const rule = (id: string, kind: NotImplementedKind, reason: string): NotImplementedRule => ({ rule: id, kind, reason })

/**
 * Every rule V01–V88 that neither {@link RULE_CATALOG} nor {@link DELIVERY_RULES} checks. A test keeps
 * the three lists complete and disjoint, and docs/validation-rules.md in step with them.
 */
/** Rules judged across the files of one `validate` command (`validateDelivery`), with what each checks. */
export const DELIVERY_RULES: readonly { readonly rule: string; readonly severity: 'error'; readonly title: string }[] = [
  { rule: 'V07', severity: 'error', title: 'Timestamps strictly increase in load order (the order given), no two alike' },
  { rule: 'V14', severity: 'error', title: 'A split delivery has a customer and a usage file, the customer file earlier' },
  { rule: 'V85', severity: 'error', title: 'Files of one type carry the same header' },
]

export const NOT_IMPLEMENTED: readonly NotImplementedRule[] = [
  rule('V70', 'covered', 'defines gaps and overlaps; V71 reports the overlaps, V72 the gaps (and the statistics count both)'),
  rule('V15', 'generator', 'the fileset manifest is made and uploaded by the send step, not present in a data file'),
  rule('V67', 'not-in-file', 'correction order needs the source update timestamp'),
  rule('V69', 'not-in-file', "the last row of an entity carries the source's current values: needs the source"),
  rule('V74', 'cross-delivery', 'usage service points exist in this or an accepted customer file: needs the workspace state (continuity checks)'),
  rule('V78', 'cross-delivery', 'incremental continuity against the last accepted read: needs the workspace state (continuity checks)'),
  rule('V79', 'not-in-file', 'incremental completeness against the source'),
  rule('V80', 'not-in-file', 'sample scope needs the launch date and the population the sample was drawn from; the sample extract enforces it'),
  rule('V81', 'not-in-file', 'full historical scope against the source population'),
  rule('V82', 'generator', 'upload target folder'),
  rule('V83', 'generator', 'incremental cadence and deadline'),
  rule('V84', 'generator', 'local archive of every sent file'),
  rule('V86', 'generator', 'no UNVERIFIED columns in production mappings'),
  rule('V87', 'generator', 'the round-trip re-validation (this validator is what it runs)'),
  rule('V88', 'generator', 'the validation report kept next to the archive'),
]
