import { type PropsWithChildren } from 'react';
// First: sets the language (remembered choice, else the system's) before any page renders.
import { currentLanguage } from './i18n';
import './app.scss';

if (process.env.TARO_ENV === 'h5' && typeof document !== 'undefined') document.documentElement.lang = currentLanguage();

function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
