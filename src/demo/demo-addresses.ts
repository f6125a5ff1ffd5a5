import type { SeededRandom } from './seeded-random.js'

/** A street address shared by every premise of one site (a house, or every unit of a building). */
export interface DemoSite {
  readonly num1: string
  readonly address1: string
  readonly city: string
  readonly state: string
  readonly postal: string
}

// Invented towns, each with a ZIP prefix of its own state; streets and house numbers are random, so
// no generated address is meant to exist.
const TOWNS: readonly { city: string; state: string; zip: number }[] = [
  { city: 'Maple Hollow', state: 'VA', zip: 22209 },
  { city: 'Riverton Falls', state: 'VA', zip: 22301 },
  { city: 'Cedar Bluff', state: 'MD', zip: 20814 },
  { city: 'Port Avalon', state: 'NC', zip: 27601 },
  { city: 'Lake Tamsin', state: 'MN', zip: 55401 },
  { city: 'North Quill', state: 'WA', zip: 98101 },
  { city: "Coeur d'Argent", state: 'ID', zip: 83814 },
  { city: 'San Eulalia', state: 'CA', zip: 95814 },
  { city: 'Peñasco Verde', state: 'NM', zip: 87501 },
  { city: 'Fort Wren', state: 'TX', zip: 78701 },
]
const DIRECTIONS = ['N', 'S', 'E', 'W']
const POST_DIRECTIONS = ['NE', 'NW', 'SE', 'SW']
// prettier-ignore
const STREET_NAMES = [
  'Maple', 'Oak', 'Pine', 'Cedar', 'Elm', 'Willow', 'Birch', 'Chestnut',
  'Walnut', 'Hickory', 'Main', 'Church', 'Mill', 'Lake', 'Park', 'Ridgeview',
  'Sunset', 'Highland', 'Meadow', 'Orchard', 'Washington', 'Lincoln', 'Jefferson', 'Franklin',
  'Madison', "O'Connell", "St. Mary's", 'Martin Luther King Jr', 'Calle José Martí', 'Rue Saint-Honoré', 'Königsweg',
]
const SUFFIXES = ['St', 'Ave', 'Rd', 'Blvd', 'Dr', 'Ln', 'Ct', 'Way', 'Pl', 'Ter', 'Pkwy', 'Cir']

/** A new street address: `num1` alone, `address1` with its directions, e.g. `W 24th St NE`. */
export function newSite(rng: SeededRandom): DemoSite {
  const town = rng.pick(TOWNS)
  const zip5 = String(town.zip + rng.int(0, 40)).padStart(5, '0')
  return {
    num1: houseNumber(rng),
    address1: streetLine(rng),
    city: town.city,
    state: town.state,
    postal: rng.chance(0.3) ? `${zip5}-${String(rng.int(1, 9999)).padStart(4, '0')}` : zip5,
  }
}

function houseNumber(rng: SeededRandom): string {
  const number = String(rng.int(1, 19999))
  const roll = rng.next()
  if (roll < 0.02) return `${number}${rng.pick(['A', 'B', 'C'])}`
  if (roll < 0.03) return `${number} 1/2`
  return number
}

function streetLine(rng: SeededRandom): string {
  const name = rng.chance(0.35) ? ordinal(rng.int(1, 160)) : rng.pick(STREET_NAMES)
  const parts = [name, rng.pick(SUFFIXES)]
  if (rng.chance(0.3)) parts.unshift(rng.pick(DIRECTIONS))
  if (rng.chance(0.12)) parts.push(rng.pick(POST_DIRECTIONS))
  return parts.join(' ')
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n}${suffix}`
}

/** The unit label of the `index`-th premise (0-based) of a building: `Apt 2B`, `Unit 7`, `Ste 110`. */
export function unitLabel(style: number, index: number, business: boolean): string {
  if (business) return `Ste ${100 + 10 * (index + 1)}`
  const floor = Math.floor(index / 4) + 1
  switch (style % 3) {
    case 0:
      return `Apt ${floor}${'ABCD'[index % 4] ?? 'A'}`
    case 1:
      return `Unit ${index + 1}`
    default:
      return `#${floor}0${(index % 4) + 1}`
  }
}

/** A mailing address line that differs from the service address. */
export function mailingLine(rng: SeededRandom): string {
  return rng.chance(0.6) ? `PO Box ${rng.int(100, 99999)}` : `${houseNumber(rng)} ${streetLine(rng)}`
}
