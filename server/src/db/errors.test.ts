import test from 'ava';
import { isDuplicateKey, onlyDuplicateKeys } from './errors';

test('onlyDuplicateKeys: a write error, a list of them, or the error itself; any other code is a real failure', (t) => {
  t.true(isDuplicateKey({ code: 11000 }));
  t.true(onlyDuplicateKeys({ code: 11000 }));
  t.true(onlyDuplicateKeys({ writeErrors: { code: 11000 } }));
  t.true(onlyDuplicateKeys({ writeErrors: [{ code: 11000 }, { code: 11000 }] }));
  t.false(onlyDuplicateKeys({ writeErrors: [{ code: 11000 }, { code: 121 }] }), 'a validation failure among them');
  t.false(onlyDuplicateKeys(new Error('connection reset')));
  t.false(onlyDuplicateKeys(null));
});
