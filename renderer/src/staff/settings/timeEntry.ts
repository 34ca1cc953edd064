// The settings keypad's check of a typed time, pure so its words can be tested with a table.

/**
 * What is wrong with a time typed on the keypad, in words: "07:99 is not a time: the minutes go
 * from 00 to 59." A greyed-out Done with no reason leaves a site admin guessing.
 */
export function timeProblem(t: (key: string, opts?: Record<string, unknown>) => string, digits: string): string | null {
  if (digits.length < 4) return t('staff.desk.timeShort', { count: 4 - digits.length });
  const time = `${digits.slice(0, 2)}:${digits.slice(2, 4)}`;
  if (Number(digits.slice(0, 2)) > 23) return t('staff.desk.timeHours', { time });
  if (Number(digits.slice(2, 4)) > 59) return t('staff.desk.timeMinutes', { time });
  return null;
}
