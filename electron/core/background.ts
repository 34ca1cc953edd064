// Work that can wait (the roster import) runs on a thread that gives way to the desk. On a 2-core
// kiosk a student's scan that waits for a CPU behind the import is what the student notices:
// issue 16's bench saw the slowest scans during an import spend 7 of their 9 ms waiting for a
// CPU, and well under 1 ms of it blocked on the database.
//
// Linux schedules each thread on its own: sched_setscheduler and setpriority given a thread id
// change that thread alone (man 2 setpriority, BUGS: "the nice value is a per-thread attribute").
// - SCHED_IDLE first (man 7 sched: "for running very low priority background jobs"): a desk
//   thread that wakes takes the CPU from an idle-policy thread at once, and the kernel counts a
//   CPU running only such a thread as free when it places a waking thread. A nice value alone
//   was not enough: the scheduler traced (perf sched) let a niced import thread finish its
//   time slice, up to a 4 ms tick, while the scan waited, sometimes with the other CPU idle.
//   Node has no call for it, so util-linux's `chrt --idle -p 0 <tid>` sets it (lowering one's
//   own policy needs no privilege).
// - nice 10 as well, and alone where chrt is missing: os.setPriority passes the thread id to
//   setpriority (libuv's uv_os_setpriority).
// A thread's own id is the last part of /proc/thread-self. On Windows and macOS these calls
// would lower the whole process, the desk with it, so there nothing is changed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** The nice value background threads take: the scheduler then favours the desk about ten to one. */
export const BACKGROUND_NICE = 10;

export type GiveWay = 'idle policy' | 'niced' | 'unsupported' | 'main thread' | 'refused';

/**
 * Lower the calling thread's CPU priority (Linux; a worker thread only, never the main thread).
 * Returns what was done, for the log; failing to do it is never an error (the work still runs).
 */
export function giveWayToTheDesk(): GiveWay {
  if (process.platform !== 'linux') return 'unsupported';
  let tid: number;
  try {
    tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return 'unsupported';
  }
  if (!Number.isInteger(tid) || tid <= 0) return 'unsupported';
  if (tid === process.pid) return 'main thread';
  let done: GiveWay = 'refused';
  try {
    // Never raise it: a kiosk whose admin already runs Passdesk niced keeps at least that.
    os.setPriority(tid, Math.max(os.getPriority(tid), BACKGROUND_NICE));
    done = 'niced';
  } catch {
    // refused: try the policy all the same
  }
  try {
    execFileSync('chrt', ['--idle', '-p', '0', String(tid)], { stdio: 'ignore', timeout: 5_000 });
    done = 'idle policy';
  } catch {
    // no chrt here, or refused: the nice value stands alone
  }
  return done;
}
