// The executable entry: bin/opower-extract.js loads this file from dist/, and tests spawn the copy
// compiled next to them, so a test always runs the build it was compiled with.
import { main } from './main.js'

await main(process.argv.slice(2))
