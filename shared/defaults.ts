// The settings a new kiosk starts with: the worked example of the Sign In App article
// (AM: L after 09:00, U after 09:20; PM: L after 13:00, U after 13:15; protected / \ M),
// so `npm start` on a fresh machine shows a kiosk that behaves like a real school's.
import type { SiteSettingsInput } from './settings';

export const defaultSettings: SiteSettingsInput = {
  schoolName: 'Oakfield Academy',
  locale: 'en-GB',
  timeZone: 'Europe/London',
  rules: {
    sessions: {
      AM: { start: '08:30', lateAfter: '09:00', unauthorisedAfter: '09:20', end: '12:15' },
      PM: { start: '12:45', lateAfter: '13:00', unauthorisedAfter: '13:15', end: '15:30' },
    },
    lateCode: 'L',
    unauthorisedCode: 'U',
    presentWriteback: true,
    presentCodes: { AM: '/', PM: '\\' },
    leaverCode: null,
    protectedCodes: ['/', '\\', 'M'],
    reasonInComment: true,
    passMessage: 'Go straight to your lesson.',
    reasons: [
      { id: 'overslept', label: 'Overslept', directions: ['sign_in'] },
      { id: 'transport', label: 'Bus or train late', directions: ['sign_in'] },
      { id: 'traffic', label: 'Traffic', directions: ['sign_in'] },
      { id: 'medical', label: 'M - Medical appointment', directions: ['sign_in', 'sign_out'] },
      { id: 'unwell', label: 'I - Unwell, going home', directions: ['sign_out'], prompt: 'collected_by', passMessage: 'Hand this pass to the adult collecting you.' },
      { id: 'family', label: 'C - Family matter (authorised)', directions: ['sign_out'], prompt: 'collected_by' },
      { id: 'other', label: 'Other', directions: ['sign_in', 'sign_out'], prompt: 'comment' },
    ],
  },
  groups: [
    { id: 'years-7-11', name: 'Years 7-11', years: { from: 7, to: 11 }, overrides: {} },
    {
      id: 'sixth-form',
      name: 'Sixth form',
      years: { from: 12, to: 13 },
      overrides: { presentWriteback: false, passMessage: 'Sign the sixth-form register in the common room.' },
    },
  ],
  bellSchedule: [
    { name: 'Registration', start: '08:30', end: '08:50' },
    { name: 'Period 1', start: '08:50', end: '09:50' },
    { name: 'Period 2', start: '09:50', end: '10:50' },
    { name: 'Break', start: '10:50', end: '11:10' },
    { name: 'Period 3', start: '11:10', end: '12:15' },
    { name: 'Lunch', start: '12:15', end: '12:45' },
    { name: 'Registration PM', start: '12:45', end: '13:00' },
    { name: 'Period 4', start: '13:00', end: '14:15' },
    { name: 'Period 5', start: '14:15', end: '15:30' },
  ],
};
