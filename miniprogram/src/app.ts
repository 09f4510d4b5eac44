import { type PropsWithChildren } from 'react';
// First: sets the language (remembered choice, else the system's) before any page renders.
import { currentLanguage } from './i18n';
import './app.scss';
import { installKeyboardAccess } from './lib/keyboard';

if (process.env.TARO_ENV === 'h5' && typeof document !== 'undefined') document.documentElement.lang = currentLanguage();
// Taro's View renders a plain element in H5, not a <button>: make every control with a role reachable by Tab and
// operable by Enter/Space (lib/keyboard.ts). The mini-program has no keyboard, and its build drops this call.
if (process.env.TARO_ENV === 'h5' && typeof document !== 'undefined') installKeyboardAccess();

function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
