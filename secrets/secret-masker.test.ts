import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createSecretMasker } from './secret-masker.js';

test('masks a secret as is, base64 (basic auth), URL-encoded and JSON-escaped', () => {
  const masker = createSecretMasker();
  masker.add('s3cr3t+p/w "q"');
  masker.add('alice:s3cr3t+p/w "q"');
  const basic = Buffer.from('alice:s3cr3t+p/w "q"').toString('base64');
  const echoed = [
    `Authorization: Basic ${basic}`,
    `?password=${encodeURIComponent('s3cr3t+p/w "q"')}`,
    `password=${encodeURIComponent('s3cr3t+p/w "q"').replace(/%20/g, '+')}`,
    `{"password":${JSON.stringify('s3cr3t+p/w "q"')}}`,
    Buffer.from('alice:s3cr3t+p/w "q"').toString('base64url'),
  ];
  for (const text of echoed) {
    const masked = masker.mask(text);
    assert.ok(masked.includes('***'), masked);
    assert.ok(!masked.includes('s3cr3t'), masked);
    assert.ok(!masked.includes(basic.replace(/=+$/, '')), masked);
  }
});

test('no registered secret survives masking in any of its forms (property)', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 4, maxLength: 40 }), fc.string(), fc.string(), (secret, before, after) => {
      const masker = createSecretMasker();
      masker.add(secret);
      const forms = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
      for (const form of forms) assert.ok(!masker.mask(`${before}${form}${after}`).includes(form) || `${before}${after}`.includes(form));
    }),
  );
});

test('a secret inside a longer base64 text is masked at every alignment', () => {
  const masker = createSecretMasker();
  masker.add('wr0ng+pa ss/"w0rd"');
  for (const prefix of ['', 'a', 'ab', 'abc', 'vault-svc:', 'x:']) {
    const blob = Buffer.from(`${prefix}wr0ng+pa ss/"w0rd"!`).toString('base64');
    const masked = masker.mask(`Basic ${blob}`);
    for (const token of masked.match(/[A-Za-z0-9+/]{8,}={0,2}/g) ?? []) {
      for (let shift = 0; shift < 4; shift++) assert.ok(!Buffer.from(token.slice(shift), 'base64').toString('latin1').includes('wr0ng+pa'), `${prefix}: ${masked}`);
    }
  }
});
