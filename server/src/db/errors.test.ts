import test from 'ava';
import { DUPLICATE_KEY, isDuplicateKey, onlyDuplicateKeys } from './errors';

test('onlyDuplicateKeys: a write error, a list of them, or the error itself; any other code is a real failure', (t) => {
  t.true(isDuplicateKey({ code: DUPLICATE_KEY }));
  t.true(onlyDuplicateKeys({ code: DUPLICATE_KEY }));
  t.true(onlyDuplicateKeys({ writeErrors: { code: DUPLICATE_KEY } }));
  t.true(onlyDuplicateKeys({ writeErrors: [{ code: DUPLICATE_KEY }, { code: DUPLICATE_KEY }] }));
  t.false(onlyDuplicateKeys({ writeErrors: [{ code: DUPLICATE_KEY }, { code: 121 }] }), 'a validation failure among them');
  t.false(onlyDuplicateKeys(new Error('connection reset')));
  t.false(onlyDuplicateKeys(null));
});
