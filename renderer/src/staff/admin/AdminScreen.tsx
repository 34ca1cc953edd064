// The site admin's area beyond the settings: the roster (last import, import now, the new
// academic year), the roster's own settings, the file export, the kiosk doctor and the support
// bundle. Laid out like the settings: sections on the left, one at a time on the right.
// Receptionists never reach it: the tab is not offered, the store refuses the view, and main
// refuses every call without a site admin's token.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse } from '../../../../shared/ipc/contract';
import { useStaff } from '../context';
import { DoctorSection, SupportBundleSection } from './DoctorScreen';
import { FileExportSection } from './FileExportScreen';
import { RosterSection } from './RosterScreen';
import { RosterSettingsSection } from './RosterSettings';
import '../../styles/admin.css';
import ThisWeekScreen from '../lateness/ThisWeekScreen';

export type RosterStatus = CallResponse<'rosterStatus'>;

const SECTIONS = ['roster', 'rosterSettings', 'fileExport', 'doctor', 'bundle', /* issue 18: */ 'thisWeek'] as const;
type Section = (typeof SECTIONS)[number];

export default function AdminScreen() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const dirty = useStaff((s) => s.dirty);
  const confirmLeave = useStaff((s) => s.confirmLeave);
  const [section, setSection] = useState<Section>('roster');
  const [roster, setRoster] = useState<RosterStatus | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const refreshRoster = useCallback(async () => {
    const res = await call('rosterStatus', {});
    if (res.ok) {
      setRoster(res.value);
      setProblem(null);
    } else setProblem(res.error.message);
  }, [call]);
  useEffect(() => void refreshRoster(), [refreshRoster]);

  return (
    <div className="settings admin">
      <nav className="settings-nav" aria-label={t('staff.admin.sections')}>
        {SECTIONS.map((id) => (
          <button type="button" key={id} className={`settings-tab${id === section ? ' settings-tab-on' : ''}`} aria-current={id === section ? 'page' : undefined} onClick={() => (dirty ? confirmLeave(() => setSection(id)) : setSection(id))} data-admin-section={id}>
            <span>{t(`staff.admin.section.${id}`)}</span>
            {/* A new academic year waits for the admin: say so wherever they are in this area. */}
            {id === 'roster' && roster?.pendingRollover && (
              <span className="settings-bad" aria-label={t('staff.admin.rollover.waiting')}>
                1
              </span>
            )}
          </button>
        ))}
      </nav>
      <div className="settings-main">
        <div className="settings-scroll" data-testid="admin-section" data-section={section}>
          <h1 className="staff-title">{t(`staff.admin.section.${section}`)}</h1>
          {problem && (
            <p className="field-problem" role="alert">
              {problem}
            </p>
          )}
          {section === 'roster' && roster && <RosterSection status={roster} refresh={refreshRoster} />}
          {section === 'rosterSettings' && roster && <RosterSettingsSection config={roster.config} refresh={refreshRoster} />}
          {section === 'fileExport' && <FileExportSection />}
          {section === 'doctor' && <DoctorSection />}
          {section === 'bundle' && <SupportBundleSection />}
          {section === 'thisWeek' && <ThisWeekScreen />}
        </div>
      </div>
    </div>
  );
}
