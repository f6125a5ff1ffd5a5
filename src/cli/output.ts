/**
 * Where commands talk to people: results on stdout, progress and warnings on stderr. Passed to handlers
 * so tests can capture them and nothing deep in the code writes to the console.
 */
export interface Output {
  result(line: string): void
  log(line: string): void
}

export const consoleOutput: Output = {
  result: (line) => process.stdout.write(`${line}\n`),
  log: (line) => process.stderr.write(`${line}\n`),
}
