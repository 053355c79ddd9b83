/**
 * The chat page's script. It keeps what the page shows (the rooms joined, their members and
 * messages) and changes it only when the server says so: a message appears when the room
 * sends it back, with the room's timestamp and in the room's order, so every browser shows
 * the same conversation.
 *
 * Everything people type is put on the page with `textContent`, never as HTML: a message
 * like `<img src=x onerror=...>` shows as those characters and runs nothing.
 *
 * The server bundles this file with ../src/client.ts when it starts (see web_assets.ts in
 * @otp-chat/web).
 */
import { ChatClient } from '../src/client.ts';
import type { ServerMessage, ServerMessageOf } from '../src/protocol.ts';

/** A room the user is in, with its own message list (shown while it is the current room). */
interface Room {
  readonly name: string;
  members: string[];
  readonly log: HTMLOListElement;
}

const page = {
  status: find('#status'),
  roomList: find<HTMLUListElement>('#room-list'),
  joinForm: find<HTMLFormElement>('#join-form'),
  nameField: find('#name-field'),
  name: find<HTMLInputElement>('#name'),
  room: find<HTMLInputElement>('#room'),
  roomTitle: find('#room-title'),
  leave: find<HTMLButtonElement>('#leave'),
  messages: find('#messages'),
  error: find('#error'),
  sayForm: find<HTMLFormElement>('#say-form'),
  text: find<HTMLInputElement>('#text'),
  memberList: find<HTMLUListElement>('#member-list'),
};

let client: ChatClient | undefined;
/** Our name, once the server has accepted it (with the first join); the name field hides. */
let user: string | undefined;
/** The name sent with a join not yet answered. */
let askedName: string | undefined;
/** Set while joining our rooms again after a reconnection. */
let rejoining = false;
const rooms = new Map<string, Room>();
let current: Room | undefined;
/** How many reconnections have failed in a row, for the backoff. */
let failures = 0;
let errorTimer: ReturnType<typeof setTimeout> | undefined;

// #region connect
const WS_URL = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
/** Room counts change in rooms we are not in too; ask now and then. */
const ROOM_LIST_EVERY_MS = 10_000;

async function connect(): Promise<void> {
  setStatus('connecting…');
  let opened: ChatClient;
  try {
    opened = await ChatClient.connect(WS_URL, { onMessage: handle });
  } catch {
    return reconnectLater();
  }
  client = opened;
  setStatus(user === undefined ? 'connected' : `connected as ${user}`);
  showInput();
  // After a reconnection, join again the rooms we were in: the server has forgotten us.
  rejoining = rooms.size > 0;
  for (const room of rooms.values()) opened.join(room.name, user!);
  if (!rejoining) failures = 0;
  opened.listRooms();
  const poll = setInterval(() => opened.listRooms(), ROOM_LIST_EVERY_MS);
  const { code, reason } = await opened.closed;
  clearInterval(poll);
  client = undefined;
  showInput();
  reconnectLater(reason || `code ${code}`);
}

/**
 * Tries again after 0.5 s, 1 s, 2 s... up to 10 s, give or take a fifth, so that a crowd of
 * pages does not come back at the same instant after a restart.
 */
function reconnectLater(why = 'no connection'): void {
  const delay = Math.min(10_000, 500 * 2 ** failures) * (0.8 + Math.random() * 0.4);
  failures++;
  setStatus(`disconnected (${why}); trying again in ${Math.ceil(delay / 1000)} s`);
  setTimeout(connect, delay);
}
// #endregion connect

// #region handle
/** Every message from the server comes here, in the order it was sent. */
function handle(message: ServerMessage): void {
  switch (message.type) {
    case 'joined':
      joined(message);
      break;
    case 'left':
      left(message.roomId);
      break;
    case 'message': {
      const room = rooms.get(message.roomId);
      if (room !== undefined) addMessage(room, message);
      break;
    }
    case 'user_joined':
    case 'user_left':
      presence(message);
      break;
    case 'room_list':
      showRoomList(message.rooms);
      break;
    case 'user_list': {
      const room = rooms.get(message.roomId);
      if (room !== undefined) setMembers(room, message.users);
      break;
    }
    case 'private':
      // Private lines belong to no room: they show in the room in view.
      if (current !== undefined) addPrivate(current, `${message.from} to you`, message.text);
      break;
    case 'error':
      // Our old connection may still hold our name, until the server finds it dead; try later.
      if (rejoining && message.code === 'INVALID_USERNAME') client?.close();
      showError(message.message);
      break;
  }
}
// #endregion handle

function joined({ roomId, users }: ServerMessageOf<'joined'>): void {
  failures = 0;
  rejoining = false;
  if (user === undefined) {
    user = askedName!;
    page.nameField.hidden = true;
    setStatus(`connected as ${user}`);
  }
  let room = rooms.get(roomId);
  if (room === undefined) {
    room = { name: roomId, members: [], log: document.createElement('ol') };
    rooms.set(roomId, room);
    addNotice(room, `You joined ${roomId}.`);
    show(room);
  } else {
    addNotice(room, 'Connected again.');
  }
  setMembers(room, users);
  client?.listRooms();
}

function left(roomId: string): void {
  const room = rooms.get(roomId);
  if (room === undefined) return;
  rooms.delete(roomId);
  if (current === room) show(rooms.values().next().value);
  client?.listRooms();
}

function presence(message: ServerMessageOf<'user_joined' | 'user_left'>): void {
  const room = rooms.get(message.roomId);
  if (room === undefined) return;
  const joining = message.type === 'user_joined';
  const others = room.members.filter((member) => member !== message.username);
  setMembers(room, joining ? [...others, message.username] : others);
  addNotice(room, `${message.username} ${joining ? 'joined' : 'left'}.`);
  client?.listRooms();
}

// #region render
function addMessage(room: Room, message: ServerMessageOf<'message'>): void {
  const time = element('time', formatTime(message.timestamp));
  time.dateTime = new Date(message.timestamp).toISOString();
  const item = element('li');
  item.className = message.from === user ? 'mine' : '';
  item.append(time, element('span', message.from, 'from'), element('span', message.text, 'text'));
  append(room, item);
}

function addPrivate(room: Room, who: string, text: string): void {
  const item = element('li', '', 'private');
  item.append(element('span', `[private] ${who}`, 'from'), element('span', text, 'text'));
  append(room, item);
}

function addNotice(room: Room, text: string): void {
  append(room, element('li', text, 'notice'));
}

/** Adds an item to a room's log, keeping the view at the bottom if it was there. */
function append(room: Room, item: HTMLLIElement): void {
  const box = page.messages;
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  room.log.append(item);
  if (room === current && atBottom) box.scrollTop = box.scrollHeight;
}

function setMembers(room: Room, members: string[]): void {
  room.members = members;
  if (room === current) showMembers();
}

function showMembers(): void {
  const names = current === undefined ? [] : [...current.members].sort();
  page.memberList.replaceChildren(...names.map((name) => element('li', name)));
}

/** Makes `room` the one shown (or none). */
function show(room: Room | undefined): void {
  current = room;
  page.roomTitle.textContent = room?.name ?? 'Join a room to start';
  page.leave.hidden = room === undefined;
  page.messages.replaceChildren(...(room === undefined ? [] : [room.log]));
  page.messages.scrollTop = page.messages.scrollHeight;
  showMembers();
  showInput();
  markRooms();
}

function showInput(): void {
  const usable = current !== undefined && client !== undefined;
  page.text.disabled = !usable;
  page.sayForm.querySelector('button')!.disabled = !usable;
}

function showRoomList(list: ServerMessageOf<'room_list'>['rooms']): void {
  const items = list.map(({ id, userCount }) => {
    const button = element('button');
    button.type = 'button';
    button.append(element('span', id), element('span', String(userCount), 'count'));
    button.addEventListener('click', () => pickRoom(id));
    const item = element('li');
    item.dataset.room = id;
    item.append(button);
    return item;
  });
  page.roomList.replaceChildren(...items);
  markRooms();
}

function markRooms(): void {
  for (const item of page.roomList.children) {
    const name = (item as HTMLElement).dataset.room!;
    item.classList.toggle('joined', rooms.has(name));
    item.classList.toggle('current', current?.name === name);
  }
}

function showError(text: string): void {
  page.error.textContent = text;
  page.error.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => (page.error.hidden = true), 8000);
}

function setStatus(text: string): void {
  page.status.textContent = text;
}
// #endregion render

// #region actions
page.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  join(page.room.value.trim());
});

page.sayForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = page.text.value;
  if (client === undefined || current === undefined || text.trim() === '') return;
  // `/msg <user> <text>`, as on telnet: a private line to one user, web or telnet.
  const direct = /^\/msg\s+(\S+)\s+(.+)$/s.exec(text);
  if (direct === null) client.say(current.name, text);
  else {
    client.privateMessage(direct[1]!, direct[2]!);
    addPrivate(current, `you to ${direct[1]}`, direct[2]!);
  }
  page.text.value = '';
});

page.leave.addEventListener('click', () => {
  if (current !== undefined) client?.leave(current.name);
});

/** A room in the list was clicked: show it if we are in it, join it otherwise. */
function pickRoom(name: string): void {
  const room = rooms.get(name);
  if (room !== undefined) show(room);
  else {
    page.room.value = name;
    join(name);
  }
}

function join(roomId: string): void {
  const name = user ?? page.name.value.trim();
  if (name === '') {
    showError('Choose a name first.');
    page.name.focus();
    return;
  }
  if (client === undefined) showError('Not connected; trying again soon.');
  else {
    askedName = name;
    client.join(roomId, name);
  }
}
// #endregion actions

function formatTime(timestamp: number): string {
  return new Date(timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** A new element with `text` as its text: never parsed as HTML. */
function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function find<E extends HTMLElement = HTMLElement>(selector: string): E {
  const node = document.querySelector<E>(selector);
  if (node === null) throw new Error(`chat.html has no ${selector}`);
  return node;
}

void connect();
