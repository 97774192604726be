// The faults, each one trial: start the load, let it get under way, do the
// harm, undo it, and count. Every case ends by itself (bounded waits only).
import type { ClusterService } from '../devstack/temporal-server-config';
import type { ProductionDesk } from '../devstack/production-desk';
import { FaultWatch, type FaultWindow } from './fault-window';
import type { Load, Outcome, Workload } from './workload';

export interface FaultCase {
  name: string;
  /** What the case does to the desk while the load runs; `during` resolves once the desk is whole again. */
  during(desk: ProductionDesk): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How far the load gets before the harm: the lifecycles are a few steps in, the mails being taken in. */
const UNDER_WAY_MS = 1500;

export const FAULT_CASES: FaultCase[] = [
  {
    name: 'worker SIGKILL mid-run (intake, openings, answers)',
    async during(desk) {
      await desk.killWorker(0);
      await pause(3000);
      await desk.startWorker(0);
    },
  },
  {
    name: 'worker SIGKILL while sending mail (SMTP held 3 s)',
    async during(desk) {
      desk.smtp.delay(3000);
      await pause(2000);
      await desk.killWorker(1);
      desk.smtp.delay(0);
      await desk.startWorker(1);
    },
  },
  restartService('history'),
  {
    name: 'PostgreSQL restarted (down 3 s)',
    during: (desk) => desk.restartPostgres(3000),
  },
  {
    name: 'SMTP unreachable for 20 s',
    async during(desk) {
      desk.smtp.refuseFor(20_000);
      await pause(20_000);
    },
  },
  {
    name: 'IMAP connection dropped mid-fetch (3 times)',
    async during(desk) {
      for (let i = 0; i < 3; i++) {
        desk.imap.cut();
        await pause(700);
      }
    },
  },
  {
    name: 'API SIGKILL with requests in flight (retried on the other)',
    async during(desk) {
      await desk.killApi(0);
      await pause(2000);
      await desk.startApi(0);
    },
  },
];

function restartService(service: ClusterService): FaultCase {
  return { name: `Temporal ${service} service restarted`, during: (desk) => desk.cluster.restart(service) };
}

/** One trial of a case: what was in flight when the harm came, and what came of it. */
export async function runTrial(desk: ProductionDesk, workload: Workload, fault: FaultCase, load: Load, tag: string): Promise<Outcome & { seen: FaultWindow }> {
  const started = await workload.start(load);
  await pause(UNDER_WAY_MS);
  const inFlight = await inFlightNow(desk, tag, load.mails);
  const watch = new FaultWatch(desk).start();
  await fault.during(desk);
  const outcome = await workload.outcome(started, inFlight);
  return { ...outcome, seen: watch.stop() };
}

/** This trial's tickets not yet closed plus its mails not yet decided (delivered, not yet a ticket), at the moment of the harm. */
async function inFlightNow(desk: ProductionDesk, tag: string, mails: number): Promise<number> {
  try {
    const open = await desk.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '!=', 'closed').where('subject', 'like', `% ${tag} %`).executeTakeFirstOrThrow();
    const decided = await desk.db.selectFrom('intake_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('outcome', 'is not', null).where('message_id', 'like', `<fault-${tag}-%`).executeTakeFirstOrThrow();
    return Number(open.n) + mails - Number(decided.n);
  } catch {
    return NaN;
  }
}
