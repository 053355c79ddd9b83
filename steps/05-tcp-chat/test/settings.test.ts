import { describe, expect, it } from 'vitest';
import { tunedSettings } from '../src/config.ts';

describe('the timings main.ts takes from flags and the environment', () => {
  it('sets only what is given, a flag before the environment', () => {
    expect(tunedSettings({}, {})).toEqual({});
    expect(
      tunedSettings(
        { 'name-timeout-ms': '250' },
        { CHAT_NAME_TIMEOUT_MS: '9', CHAT_MAX_UNREAD: '8' },
      ),
    ).toEqual({ nameTimeoutMs: 250, maxUnreadInputs: 8 });
  });

  it.each(['0', '-5', '1.5', 'soon', ''])('refuses %j with a message for the user', (value) => {
    expect(() => tunedSettings({ 'max-unread': value }, {})).toThrow(/not a max unread/);
  });
});

describe('the connection caps and the idle timeout', () => {
  it('takes each from a flag or the environment', () => {
    expect(
      tunedSettings(
        { 'max-connections': '500', 'ip-exempt': '10.0.0.0/8, ::1' },
        { CHAT_MAX_PER_IP: '4', CHAT_IDLE_TIMEOUT_MS: '0' },
      ),
    ).toEqual({
      maxConnections: 500,
      maxConnectionsPerIp: 4,
      ipCapExempt: ['10.0.0.0/8', '::1'],
      idleTimeoutMs: 0,
    });
    expect(tunedSettings({}, { CHAT_IP_EXEMPT: '' })).toEqual({ ipCapExempt: [] });
  });

  it('refuses a cap of 0, which would let nobody in', () => {
    expect(() => tunedSettings({ 'max-per-ip': '0' }, {})).toThrow(/not a per-IP cap: '0'/);
  });
});

describe('the rooms’ limits', () => {
  it('takes each from a flag or the environment', () => {
    expect(
      tunedSettings(
        { 'room-rate': '10', 'max-queued': '200', 'max-listed-rooms': '20' },
        { CHAT_ROOM_BURST: '30', CHAT_MAX_ROOMS: '5', CHAT_ROOM_RATE: '99' },
      ),
    ).toEqual({
      roomMessagesPerSecond: 10,
      roomMessageBurst: 30,
      maxQueuedEvents: 200,
      maxRoomsPerUser: 5,
      maxListedRooms: 20,
    });
  });

  it('refuses a room rate of 0, which would silence every room', () => {
    expect(() => tunedSettings({ 'room-rate': '0' }, {})).toThrow(/not a room rate: '0'/);
  });
});
