/** RE2 → JavaScript: same matches as Go's regexp, or an exact reason; never a throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRe2, translateRe2 } from '../../validator/kube/re2.ts';

function re(pattern: string): RegExp {
  const r = compileRe2(pattern);
  if (!r.ok) throw new Error(`${pattern}: ${r.reason}`);
  return r.regexp;
}

// [RE2 pattern, strings Go's regexp.MatchString accepts, strings it rejects]
const CASES: Array<[string, string[], string[]]> = [
  // the PrometheusRule CRD pattern that used to stop the run
  ['^(?i)(abort|warn)?$', ['abort', 'WARN', 'Abort', ''], ['ignore', 'abortx']],
  ['(?i)^k$', ['k', 'K', '\u212a'], ['x']], // Kelvin sign folds to k in RE2
  ['^a(?i)b$', ['ab', 'aB'], ['AB']],
  ['^(?i:a)b$', ['ab', 'Ab'], ['aB']],
  ['^(?i)a(?-i)b$', ['ab', 'Ab'], ['aB']],
  ['^(?i)[a-c]+$', ['abc', 'ABC', 'aBc'], ['abd']],
  ['^(?i)[^a]$', ['b', 'B'], ['a', 'A']],
  ['\\Aab\\z', ['ab'], ['ab\n', 'xab']],
  ['^ab$', ['ab'], ['ab\n']], // RE2 `$` without (?m) is end of text only
  ['(?m)^b$', ['a\nb\nc', 'b'], ['ab']],
  ['(?s)^a.b$', ['a\nb', 'axb'], ['ab']],
  ['^a.b$', ['axb', 'a\rb', 'a\u2028b'], ['a\nb']], // RE2 `.` matches \r and U+2028, JS `.` does not
  ['^[[:alpha:]]+$', ['abcXYZ'], ['ab1', '']],
  ['^[[:^digit:]]+$', ['ab', 'é'], ['a1']],
  ['^[[:alnum:]_-]+$', ['a_b-9'], ['a.b']],
  ['^[[:space:]]$', [' ', '\t', '\v'], ['x']],
  ['^[[:punct:]]+$', ['!-/:@[`{~'], ['a']],
  ['^\\Qa.b*\\E$', ['a.b*'], ['axb', 'a.bb']],
  ['^\\Qa.b', ['a.b'], ['axb']], // \Q without \E runs to the end
  ['^(?P<year>\\d{4})-(?P<m>\\d\\d)$', ['2024-01'], ['24-01']],
  ['^(?<name>x)$', ['x'], ['y']],
  ['^\\d+$', ['0123'], ['١٢', '']], // ASCII digits only
  ['^\\s$', [' ', '\t', '\n', '\f', '\r'], ['\v', '\u00a0', '\u2003']], // RE2 \s is ASCII, no \v
  ['^\\w+$', ['a_9'], ['é']],
  ['^\\pL+$', ['abcé'], ['a1']],
  ['^\\p{Greek}+$', ['αβγ'], ['abc']],
  ['^\\PL$', ['1'], ['a']],
  ['^\\p{^L}$', ['1'], ['a']],
  ['^[\\p{Lu}\\d]+$', ['AB1'], ['ab']],
  ['^a\\-b\\:c\\/d$', ['a-b:c/d'], ['ab:c/d']], // escaped punctuation, refused by u-mode JS
  ['^[a\\-z]$', ['a', '-', 'z'], ['b']],
  ['^a{,2}$', ['a{,2}'], ['aa']], // not a repeat in RE2: literal
  ['^a{2}$', ['aa'], ['a', 'aaa']],
  ['^a{2,}$', ['aa', 'aaaa'], ['a']],
  ['^{$', ['{'], ['']],
  ['^}]$', ['}]'], ['']],
  ['^[]a]+$', [']a]'], ['b']],
  ['^[^]a]$', ['b'], [']', 'a']],
  ['^\\x41\\x{1F600}\\101\\0$', ['A\u{1F600}A\0'], ['B']],
  ['^\\a\\f\\v$', ['\x07\f\v'], ['afv']],
  ['^(?U)a+$', ['aaa'], ['']],
  ['^(?U)(a+)(a*)$', ['aa'], ['b']],
  ['^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', ['', 'a.b-c'], ['-a', 'A']],
  ['^[A-Za-z0-9!#$%&\'*+\\-.^_\\x60|~]+$', ['a-b`c'], ['a b']],
  ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&\'()*+,;=:]+$', ['example.com/a-b'], ['example.com']],
  ['^([0-9]{1,5}(h|m|s|ms)){1,4}$', ['1h30m', '500ms'], ['1d']],
  ['^(?:[-A-Za-z0-9/._~!$&\'()*+,;=:@]|[%][0-9a-fA-F]{2})+$', ['/a%2Fb'], ['/a b', '%zz']],
  ['^\\.?[a-z_]+$', ['.a', 'a_'], ['..a']],
  ['^x*?y$', ['xxy'], ['x']],
  ['^\\bfoo\\b$', ['foo'], ['foox']],
  ['a|', ['a', '', 'b'], []],
  ['^\\^\\$\\.\\[\\]\\(\\)\\{\\}\\|\\*\\+\\?\\\\$', ['^$.[](){}|*+?\\'], ['']],
  ['^[\\^\\]\\[\\\\-]+$', ['^][\\-'], ['a']],
  ['^\\ \\_\\#$', [' _#'], ['']],
  ['^[\\d\\s]+$', ['1 2'], ['a']],
  ['^[^\\D]$', ['1'], ['a']],
  ['^[\\w.-]+$', ['a.b-c_d'], ['a b']],
  ['^\\x{41}+$', ['AAA'], ['B']],
  ['^(?i)\\Qab\\E$', ['AB', 'ab'], ['a']],
  ['(?i)ß', ['ß'], ['x']],
];

describe('translateRe2: matches like Go regexp', () => {
  it.each(CASES)('%s', (pattern, yes, no) => {
    const r = re(pattern);
    for (const s of yes) expect(r.test(s), `${pattern} should match ${JSON.stringify(s)}`).toBe(true);
    for (const s of no) expect(r.test(s), `${pattern} should not match ${JSON.stringify(s)}`).toBe(false);
    expect(r.flags).toBe('u');
  });
});

describe('translateRe2: exactly why a pattern cannot be translated', () => {
  const BAD: Array<[string, RegExp]> = [
    ['a(?=b)', /look-around assertions are not RE2/],
    ['a(?<!b)', /look-around assertions are not RE2/],
    ['(a)\\1', /back-references are not RE2/],
    ['a\\Z', /`\\Z` is not RE2/],
    ["a\\C", /`\\C` \(any byte\) is not supported by Go regexp/],
    ['a{1001}', /repeat count over 1000/],
    ['a{3,2}', /invalid repeat count/],
    ['a**', /invalid nested repetition operator/],
    ['*a', /missing argument to repetition operator/],
    ['(a', /missing closing `\)`/],
    ['a)', /unexpected `\)`/],
    ['[a', /missing closing `\]`/],
    ['[z-a]', /invalid character class range/],
    ['[[:foo:]]', /invalid POSIX class/],
    ['\\pX', /Unicode class `X` is unknown to JavaScript/],
    ['(?i)\\p{Lu}', /case-folded Unicode classes/],
    ['\\q', /invalid escape `\\q`/],
    ['(?x)a', /invalid or unsupported flag `x`/],
    ['(?P<1a-b>x)', /invalid named capture/],
    ['a\\', /trailing backslash/],
  ];
  it.each(BAD)('%s', (pattern, reason) => {
    const r = translateRe2(pattern);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(reason);
      expect(r.reason).toMatch(/at offset \d+/);
    }
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab()[]{}|*+?^$\\.-:,0123456789PpQEzAiUsm<>=!'.split('')), maxLength: 24 }), (s) => {
        const r = translateRe2(s);
        if (r.ok) expect(() => new RegExp(r.source, 'u')).not.toThrow();
        else expect(r.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with JavaScript on patterns both read the same way', () => {
    // Plain patterns (letters, classes of letters, groups, alternation, greedy repeats) mean the same
    // in both dialects: the translation must not change what they match.
    const atom = fc.oneof(fc.constantFrom('a', 'b', 'c', '[ab]', '[^a]', '(a|b)', '(?:bc)'));
    const piece = fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{2}', '{1,2}')).map(([a, q]) => a + q);
    const pattern = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => `^${p.join('')}$`);
    fc.assert(
      fc.property(pattern, fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 }), (p, s) => {
        expect(re(p).test(s)).toBe(new RegExp(p, 'u').test(s));
      }),
      { numRuns: 2000 },
    );
  });
});
