/**
 * How a plan's clients are dealt out to the load workers, and which of them talk: every room
 * has members in every worker, and as many senders as it takes for none to say more than the
 * sender rate.
 */
import type { ClientPlan } from './clients/client.ts';
import type { SenderPlan } from './load_worker.ts';
import type { RoomPlan } from './scenarios.ts';

/**
 * Deals the clients out to the workers in turn, so that every room has members in every
 * worker: client `i` of the plan is client `floor(i / workers)` of worker `i % workers`.
 */
export function dealClients(rooms: readonly RoomPlan[], workers: number): ClientPlan[][] {
  const plans: ClientPlan[][] = Array.from({ length: workers }, () => []);
  let index = 0;
  for (const room of rooms) {
    for (let member = 0; member < room.members; member++, index++)
      plans[index % workers]!.push({ name: `u${index}`, room: room.name });
  }
  return plans;
}

/** How many of a room's members talk at `rate`: enough that none says more than `senderRate`. */
function talkersFor(room: RoomPlan, rate: number, senderRate: number): number {
  return rate > 0 ? Math.min(room.members, Math.ceil(rate / senderRate)) : 0;
}

/**
 * Each room's senders at `scale` times its rate, as each worker's list (the same clients as
 * dealClients deals): its first members, each saying the room's rate / talkers a second.
 */
export function dealSenders(
  rooms: readonly RoomPlan[],
  workers: number,
  senderRate: number,
  scale: number,
): SenderPlan[][] {
  const chosen: Array<{ worker: number; client: number; rate: number }> = [];
  let index = 0;
  for (const room of rooms) {
    const rate = room.rate * scale;
    const talkers = talkersFor(room, rate, senderRate);
    for (let member = 0; member < talkers; member++) {
      const serial = index + member;
      chosen.push({
        worker: serial % workers,
        client: Math.floor(serial / workers),
        rate: rate / talkers,
      });
    }
    index += room.members;
  }
  // Spread the senders' first messages over one period, so they do not all talk at once.
  const plans: SenderPlan[][] = Array.from({ length: workers }, () => []);
  for (const [serial, sender] of chosen.entries()) {
    const phase = serial / chosen.length;
    plans[sender.worker]!.push({ client: sender.client, rate: sender.rate, phase });
  }
  return plans;
}

/** Whether every room has members enough to talk at `scale` times its rate within `senderRate`. */
export function canOffer(rooms: readonly RoomPlan[], senderRate: number, scale: number): boolean {
  return rooms.every((room) => Math.ceil((room.rate * scale) / senderRate) <= room.members);
}
