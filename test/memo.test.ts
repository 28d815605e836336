import { memoize } from '../constructs/internal/memo';

describe('memoize', () => {
  test('computes each distinct string once, undefined results included', () => {
    const seen: string[] = [];
    const length = memoize((value: string) => {
      seen.push(value);
      return value === 'none' ? undefined : value.length;
    });
    expect([length('ab'), length('ab'), length('none'), length('none'), length('abc')]).toEqual([2, 2, undefined, undefined, 3]);
    expect(seen).toEqual(['ab', 'none', 'abc']);
  });

  test('stops remembering at its bound, and never remembers long strings', () => {
    let calls = 0;
    const upper = memoize((value: string) => {
      calls++;
      return value.toUpperCase();
    }, 2);
    for (const value of ['a', 'b', 'c', 'c', 'a']) {
      expect(upper(value)).toEqual(value.toUpperCase());
    }
    expect(calls).toBe(4); // 'c' came after the bound of 2: computed both times
    const long = 'x'.repeat(300);
    const lengthOf = memoize((value: string) => {
      calls++;
      return value.length;
    });
    calls = 0;
    lengthOf(long);
    lengthOf(long);
    expect(calls).toBe(2);
  });
});
