import type { SeededRandom } from './seeded-random.js'

// Common given and family names, recombined at random: no row describes a real person. The lists
// deliberately carry what breaks naive extracts: non-ASCII letters (in NFC), apostrophes, hyphens.
// prettier-ignore
const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Steven', 'Ashley',
  'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kevin', 'Carol', 'Brian', 'Amanda',
  'José', 'Zoë', 'Renée', 'François', 'Chloé', 'Björn', 'Siobhán', 'Łukasz', 'Dmitrij', 'Anaïs',
  'Mai', 'Minh', 'Wei', 'Priya', 'Aarav', 'Fatima', 'Omar', 'Kwame', 'Ngozi', 'Hana',
  'Jo Ann', 'Mary-Kate', "D'Shawn", 'Lou', 'Al',
]
// prettier-ignore
const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Hill', 'Flores', 'Green',
  "O'Brien", "D'Angelo", "O'Neil", 'McAllister', 'Nguyễn', 'Trần', 'Müller', 'Ørsted', 'Šimek', 'Jiménez',
  'Peña', 'Çelik', 'Søndergaard', 'Van der Berg', 'Smith-Jones', 'St. Clair', 'De La Cruz', 'Kowalczyk', 'Þórsson', 'Łęcki',
]
const MIDDLE_INITIALS = ['A', 'B', 'C', 'D', 'E', 'J', 'K', 'L', 'M', 'R', 'S', 'T']

/**
 * Business names: commas ("Acme Widgets, Inc."), a suffix with a comma ("Smith, Jr."), double quotes,
 * a pipe, an ampersand, an apostrophe and non-ASCII letters. None of them is a poison value (no tab or
 * line break); the generator adds exactly one of those on purpose, see `POISON_BUSINESS_NAME`.
 */
const BUSINESS_NAMES = [
  'Acme Widgets, Inc.',
  'Smith, Jr. & Sons Plumbing',
  'Riverside Diner LLC',
  'The "Blue Door" Café',
  'Bits|Bytes Computer Repair',
  'Greenleaf Dental Group, P.C.',
  "O'Malley's Pub",
  'Nguyễn Brothers Market',
  "Zoë's Bakery & Coffee",
  'Northside Laundromat',
  'Prairie Feed & Seed Co.',
  'Hillcrest Veterinary Clinic',
  'Summit Auto Body, Inc.',
  'Main Street Hardware',
  'Lakeview Apartments, LLC',
  'First Avenue Books',
  'Müller Precision Tools GmbH',
  'Bright Futures Daycare',
  'Golden Dragon Restaurant',
  'Johnson, Lee & Associates, CPAs',
  'Sunrise Yoga Studio',
  'Twin Pines Motel',
  'A-1 Self Storage',
  'Cedar Creek Church',
  'Ørsted Nordic Imports',
  'Quick Stop #12',
  '"Fresh" Cuts Barbershop',
  'Parkside Fitness | 24/7',
  'Harbor Light Marina',
  "D'Angelo Family Pizzeria",
]

/** The one business name with a line break in it, for the extract's cleaning policy to find. */
export const POISON_BUSINESS_NAME = 'Westgate Medical\nImaging Center'

/** A person's CC&B-style display name, `Last,First` or `Last,First M`. */
export function personName(rng: SeededRandom): string {
  const first = rng.pick(FIRST_NAMES)
  const last = rng.pick(LAST_NAMES)
  return rng.chance(0.15) ? `${last},${first} ${rng.pick(MIDDLE_INITIALS)}` : `${last},${first}`
}

/** An earlier family name for the same first name, as kept in a secondary CC&B name row. */
export function formerName(primary: string, rng: SeededRandom): string {
  const first = primary.slice(primary.indexOf(',') + 1)
  return `${rng.pick(LAST_NAMES)},${first}`
}

export function businessName(rng: SeededRandom): string {
  return rng.pick(BUSINESS_NAMES)
}
