// Staff mode over the kiosk: the keypad, then the receptionist's day, the writeback log, the
// site settings and the admin area (roster, file export, doctor, support bundle).
// App renders this instead of the student screens while staff mode is up.
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../state/context';
import { Confirm } from './components/Sheet';
import { useStaff } from './context';
import { LogScreen } from './screens/LogScreen';
import { PinScreen } from './screens/PinScreen';
import { TodayScreen } from './screens/TodayScreen';
import { RollCallStaff } from './screens/RollCallStaff';
import type { StaffView } from './store';
// The kiosk's stylesheet first: staff.css builds on its classes and must come after it in the bundle.
import '../styles/kiosk.css';
import '../styles/staff.css';

// The settings screen carries the schema (zod) to check every change as it is typed: loaded
// only when a site admin opens it, so the student kiosk starts as fast as before.
const SettingsScreen = lazy(() => import('./settings/SettingsScreen'));
// The admin area (roster, file export, doctor, support bundle): site admins only, loaded when opened.
const AdminScreen = lazy(() => import('./admin/AdminScreen'));

export function StaffApp() {
  const phase = useStaff((s) => s.phase);
  const view = useStaff((s) => s.view);
  if (phase === 'closed') return null;
  if (phase === 'pin' || phase === 'setup' || phase === 'recover' || phase === 'code') return <PinScreen />;
  return (
    <main className="screen staff-screen" data-staff-view={view}>
      <StaffBar />
      <div className="staff-body">
        {view === 'today' && <TodayScreen />}
        {view === 'log' && <LogScreen />}
        {view === 'rollcall' && <RollCallStaff />}
        {view === 'settings' && (
          <Suspense fallback={<Loading />}>
            <SettingsScreen />
          </Suspense>
        )}
        {view === 'admin' && (
          <Suspense fallback={<Loading />}>
            <AdminScreen />
          </Suspense>
        )}
      </div>
      <LeaveDialog />
    </main>
  );
}

function Loading() {
  const { t } = useTranslation();
  return <p className="staff-loading">{t('staff.common.loading')}</p>;
}

/** Leaving the settings with changes not saved: ask, with keeping them as the safe choice. */
function LeaveDialog() {
  const { t } = useTranslation();
  const pending = useStaff((s) => s.pendingLeave);
  const resolve = useStaff((s) => s.resolveLeave);
  if (!pending) return null;
  return (
    <Confirm
      title={t('staff.leave.title')}
      body={t('staff.leave.body')}
      no={t('staff.leave.stay')}
      yes={t('staff.leave.discard')}
      onNo={() => resolve(false)}
      onYes={() => resolve(true)}
    />
  );
}

function StaffBar() {
  const { t } = useTranslation();
  const role = useStaff((s) => s.role);
  const view = useStaff((s) => s.view);
  const go = useStaff((s) => s.go);
  const lock = useStaff((s) => s.lock);
  const dirty = useStaff((s) => s.dirty);
  const confirmLeave = useStaff((s) => s.confirmLeave);
  const schoolName = useKiosk((s) => s.info?.schoolName ?? '');
  const tabs: { view: StaffView; label: string }[] = [
    { view: 'today', label: t('staff.nav.today') },
    ...(role === 'site_admin'
      ? [
          { view: 'log' as const, label: t('staff.nav.log') },
          { view: 'settings' as const, label: t('staff.nav.settings') },
          { view: 'admin' as const, label: t('staff.nav.admin') },
        ]
      : []),
  ];
  const leave = (next: () => void) => (dirty ? confirmLeave(next) : next());
  return (
    <header className="topbar staff-topbar">
      <div className="staff-who">
        <span className="topbar-school">{schoolName}</span>
        <span className="staff-role" data-testid="staff-role">
          {role === 'site_admin' ? t('staff.role.site_admin') : t('staff.role.receptionist')}
        </span>
      </div>
      <nav className="staff-tabs" aria-label={t('staff.nav.label')}>
        {tabs.map((tab) => (
          <button
            type="button"
            key={tab.view}
            className={`staff-tab${tab.view === view ? ' staff-tab-on' : ''}`}
            aria-current={tab.view === view ? 'page' : undefined}
            onClick={() => leave(() => go(tab.view))}
          >
            {tab.label}
          </button>
        ))}
      </nav>
      <div className="topbar-action">
        <button type="button" className="btn btn-secondary" onClick={() => leave(() => void lock())}>
          {t('staff.nav.lock')}
        </button>
      </div>
    </header>
  );
}
