// The deployment checks' report: `ok - …` / `not ok - …` with the problems under it, then
// `N passed, N failed` and the exit code (infrastructure/check.sh reads both).
let passed = 0;
let failed = 0;

export function check(name: string, problems: string[]): void {
  if (problems.length === 0) {
    passed += 1;
    console.log(`ok - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok - ${name}`);
    for (const problem of problems.slice(0, 40)) console.log(`    ${problem}`);
    if (problems.length > 40) console.log(`    … and ${problems.length - 40} more`);
  }
}

export function finish(): never {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
