// The kiosk: one screen at a time, the wedge scanner listening on every one of them, and the
// idle timeout ready to bring any of them back to the start.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { SwitchDialog } from './components/SwitchDialog';
import { useWedge } from './scanner/useWedge';
import { DoneScreen } from './screens/DoneScreen';
import { IdleScreen } from './screens/IdleScreen';
import { NoteScreen } from './screens/NoteScreen';
import { ReasonScreen } from './screens/ReasonScreen';
import { RejectedScreen } from './screens/RejectedScreen';
import { SearchScreen } from './screens/SearchScreen';
import { StudentScreen } from './screens/StudentScreen';
import { RollCallScreen } from './screens/RollCallScreen';
import { StaffRoot } from './staff/StaffRoot';
import { useKiosk, useKioskStore } from './state/context';
import { useIdleTimeout } from './state/useTimeouts';

/** Status changes are pushed by main; this poll only catches a missed event. */
const STATUS_POLL_MS = 30_000;

export function App() {
  const store = useKioskStore();
  const screen = useKiosk((s) => s.screen);
  const screenSeq = useKiosk((s) => s.screenSeq);
  const idleSeconds = useKiosk((s) => s.info?.kiosk.idleSeconds ?? 45);
  useWedge(store);
  useIdleTimeout(store, idleSeconds, screenSeq);

  useEffect(() => {
    const off = window.kiosk.on('status', (status) => store.getState().setStatus(status));
    const poll = setInterval(() => void store.getState().refreshStatus(), STATUS_POLL_MS);
    return () => {
      off();
      clearInterval(poll);
    };
  }, [store]);

  return (
    <div className="kiosk" data-screen={screen}>
      {/* Staff mode (entered from the idle screen) takes the whole window while it is up. */}
      <StaffRoot>
        {screen === 'loading' && <Loading />}
        {screen === 'idle' && <IdleScreen />}
        {screen === 'student' && <StudentScreen />}
        {screen === 'reason' && <ReasonScreen />}
        {screen === 'note' && <NoteScreen />}
        {screen === 'done' && <DoneScreen />}
        {screen === 'rejected' && <RejectedScreen />}
        {screen === 'search' && <SearchScreen />}
        {screen === 'rollcall' && <RollCallScreen />}
        <SwitchDialog />
      </StaffRoot>
    </div>
  );
}

function Loading() {
  const { t } = useTranslation();
  const failed = useKiosk((s) => s.startError !== null);
  return (
    <main className="screen screen-idle screen-loading">
      <h1 className="idle-title">{failed ? t('loading.failed') : t('loading.title')}</h1>
    </main>
  );
}
