// Boot: ask main who we are (school, locale, scanner timing), set the words, then draw.
// If main does not answer, keep asking: a kiosk that started before its core must recover alone.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { setLocale, startI18n } from './i18n';
import { StoreProvider } from './state/context';
import { createKioskStore } from './state/store';
import './styles/kiosk.css';

const RETRY_MS = 5_000;

async function boot(): Promise<void> {
  const store = createKioskStore(window.kiosk);
  await store.getState().start();
  await startI18n(store.getState().info?.locale ?? 'en-GB');
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </StrictMode>,
  );
  while (store.getState().screen === 'loading') {
    await new Promise((r) => setTimeout(r, RETRY_MS));
    await store.getState().start();
  }
  const locale = store.getState().info?.locale;
  if (locale) await setLocale(locale);
}

void boot();
