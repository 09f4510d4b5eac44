import test from 'ava';
import jwt from 'jsonwebtoken';
import { createTokenService } from './tokens';

const SECRET = 'tokens-test-secret-tokens-test-secret';
const ID = '6b0b85ac5251018c86bd3af0';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

// verify() remembers tokens it verified (tokens.ts): the remembered answer must be the one jsonwebtoken gives.
test('a remembered token still expires, and answers TOKEN_EXPIRED then', async (t) => {
  const tokens = createTokenService(SECRET);
  const token = jwt.sign({ role: 'citizen', tv: 3 }, SECRET, { algorithm: 'HS256', subject: ID, expiresIn: 1 });
  t.deepEqual(tokens.verify(token), { id: ID, role: 'citizen', tv: 3 });
  t.deepEqual(tokens.verify(token), { id: ID, role: 'citizen', tv: 3 }); // from memory
  const exp = (jwt.decode(token) as { exp: number }).exp;
  await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 20));
  t.is(codeOf(() => tokens.verify(token)), 'TOKEN_EXPIRED');
});

test('a remembered token gives its claims, not a shared object a caller could change', (t) => {
  const tokens = createTokenService(SECRET);
  const { token } = tokens.sign({ id: ID, role: 'admin', tokenVersion: 2 });
  const first = tokens.verify(token);
  first.id = 'changed';
  t.deepEqual(tokens.verify(token), { id: ID, role: 'admin', tv: 2 });
});

test('only the exact text is remembered: a token with another signature or secret is refused', (t) => {
  const tokens = createTokenService(SECRET);
  const { token } = tokens.sign({ id: ID, role: 'citizen' });
  tokens.verify(token);
  const [head, body, sig] = token.split('.');
  const tampered = `${head}.${body}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
  t.is(codeOf(() => tokens.verify(tampered)), 'UNAUTHENTICATED');
  const otherSecret = jwt.sign({ role: 'citizen', tv: 0 }, 'another-secret-another-secret-another', { algorithm: 'HS256', subject: ID, expiresIn: 60 });
  t.is(codeOf(() => tokens.verify(otherSecret)), 'UNAUTHENTICATED');
  t.is(createTokenService('another-secret-another-secret-another').verify(otherSecret).id, ID);
});
