// DLE EOT answers → what the receptionist is told.
import { describe, expect, it } from 'vitest';
import { kioskPrinterStatus, statusFromBytes, blocksPrinting } from '../../electron/core/hardware/printer/status';
import { statusBytes } from '../fakes/printer/emulator';

const healthy = { offline: false, coverOpen: false, paperOut: false, paperNearEnd: false, fault: false };
const ask = (c: Partial<typeof healthy>) => {
  const b = statusBytes({ ...healthy, ...c });
  return statusFromBytes({ printer: b[1], offline: b[2], error: b[3], paper: b[4] });
};

describe('statusFromBytes', () => {
  it.each([
    [{}, 'ok', null],
    [{ paperNearEnd: true }, 'paper_near_end', /running low/],
    [{ paperOut: true }, 'paper_out', /Out of paper/],
    [{ coverOpen: true }, 'cover_open', /cover is open/],
    [{ fault: true }, 'error', /jam or cutter/],
    [{ offline: true }, 'offline', /not answering/],
    // The most pressing problem wins: the cover first, then the paper.
    [{ coverOpen: true, paperOut: true }, 'cover_open', /cover/],
    [{ paperOut: true, paperNearEnd: true }, 'paper_out', /Out of paper/],
  ])('%j → %s', (condition, state, problem) => {
    const s = ask(condition);
    expect(s.state).toBe(state);
    if (problem === null) expect(s.problem).toBeNull();
    else expect(s.problem).toMatch(problem);
  });

  it('treats silence and foreign bytes as problems, not as "ok"', () => {
    expect(statusFromBytes({}).state).toBe('offline');
    expect(statusFromBytes({ printer: 0xff, offline: 0x12, paper: 0x12 }).state).toBe('error');
  });

  it('reads real Epson bytes: paper-end stop (0x32, 0x72), and a drawer signal alone (0x16) is no problem', () => {
    expect(statusFromBytes({ printer: 0x1e, offline: 0x32, paper: 0x72 }).state).toBe('paper_out');
    expect(statusFromBytes({ printer: 0x16, offline: 0x12, paper: 0x12 }).state).toBe('ok');
  });

  it('lets a pass print with little paper left, but not without paper', () => {
    expect(blocksPrinting('paper_near_end')).toBe(false);
    expect(blocksPrinting('paper_out')).toBe(true);
    expect(blocksPrinting('offline')).toBe(true);
  });
});

describe('kioskPrinterStatus', () => {
  it('maps to the idle screen chip: low paper is a note, not a problem for students', () => {
    expect(kioskPrinterStatus(ask({ paperNearEnd: true }))).toEqual({ state: 'ok', problem: expect.stringMatching(/running low/) });
    expect(kioskPrinterStatus(ask({ paperOut: true }))).toEqual({ state: 'problem', problem: expect.stringMatching(/Out of paper/) });
    expect(kioskPrinterStatus({ state: 'not_configured', problem: null, twoWay: false })).toEqual({ state: 'disabled', problem: null });
  });
});
