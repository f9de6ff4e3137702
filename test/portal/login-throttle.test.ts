import { describe, expect, it } from 'vitest';
import { isCommonPassword } from '../../src/portal/domain/common-passwords.js';
import { LOGIN_RULES, lockedMessage, loginDelayMs } from '../../src/portal/domain/login-throttle.js';
import { checkNewPassword } from '../../src/portal/domain/validation.js';

describe('login throttle rules', () => {
  it('are the documented ones', () => {
    expect(LOGIN_RULES.account).toEqual({ maxFailures: 5, windowMs: 24 * 3_600_000, lockMs: 15 * 60_000 });
    expect(LOGIN_RULES.address).toEqual({ maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 });
  });

  it('delays from the 3rd failure on, growing, capped at 2 s', () => {
    expect([1, 2, 3, 4, 5, 10, 19].map((failures) => loginDelayMs(failures, 250))).toEqual([
      0, 0, 250, 500, 750, 2000, 2000,
    ]);
    expect(loginDelayMs(10, 0)).toBe(0);
  });

  it('tells whole minutes, rounded up', () => {
    expect(lockedMessage(15 * 60_000)).toBe('Too many failed attempts. Try again in 15 minutes.');
    expect(lockedMessage(14 * 60_000 + 1)).toBe('Too many failed attempts. Try again in 15 minutes.');
    expect(lockedMessage(30_000)).toBe('Too many failed attempts. Try again in 1 minute.');
  });
});

describe('new passwords', () => {
  it('refuses common passwords whatever their case', () => {
    for (const password of ['password1234', 'PASSWORD1234', '123456789012', 'qwertyuiopas', 'QwertyUiopAs']) {
      expect(isCommonPassword(password)).toBe(true);
      expect(checkNewPassword(password, 'someone')).toContain('common');
    }
    expect(isCommonPassword('plum violet anchor 42')).toBe(false);
  });

  it('refuses a password containing the username, and accepts a good one', () => {
    expect(checkNewPassword('xx-Alice.Smith-2026', 'alice.smith')).toBe('The password must not contain the username');
    expect(checkNewPassword('plum violet anchor 42', 'alice')).toBeUndefined();
    expect(checkNewPassword('short', 'alice')).toContain('at least 12');
  });
});
