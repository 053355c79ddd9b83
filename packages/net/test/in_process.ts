/** Tests of what runs in a process (timers of the process's own): the body runs as one. */
import { spawn } from '@otp-chat/otp';

/** Runs `body` as a process; resolves to what it returns. */
export function inProcess<T>(body: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    spawn(() => body().then(resolve, reject));
  });
}
