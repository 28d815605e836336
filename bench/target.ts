/** A performance target of `npm run bench`, printed with PASS or FAIL. */
export interface Target {
  readonly name: string;
  readonly value: number;
  readonly pass: (value: number) => boolean;
  readonly show: (value: number) => string;
}
