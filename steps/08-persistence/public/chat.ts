/**
 * The chat page's script. It keeps what the page shows (the rooms joined, their members and
 * messages) and changes it only when the server says so: a message appears when the room
 * sends it back, with the room's timestamp and in the room's order, so every browser shows
 * the same conversation.
 *
 * Everything people type is put on the page with `textContent`, never as HTML: a message
 * like `<img src=x onerror=...>` shows as those characters and runs nothing.
 *
 * Step 7: a room's messages carry ids (1, 2, 3... in the room's epoch). The page shows each id
 * once, whatever brings it (the join's history, a page scrolled back to, the live stream, the
 * catch-up after a reconnect), so nothing is repeated; and it joins again with `since`, the last
 * message it saw, so nothing is lost.
 *
 * The server bundles this file with ../src/client.ts when it starts (see web_assets.ts in
 * @otp-chat/web).
 */
import { ChatClient } from '../src/client.ts';
import type {
  HistoryMessage,
  MessageRef,
  Presence,
  ServerMessage,
  ServerMessageOf,
  Status,
} from '../src/protocol.ts';

/** A room the user is in, with its own message list (shown while it is the current room). */
interface Room {
  readonly name: string;
  /** What the room is about (step 8): from the join, then from each topic. */
  topic: string | undefined;
  members: string[];
  readonly log: HTMLOListElement;
  /** Each member's status (those not in it are online). */
  readonly statuses: Map<string, Pick<Presence, 'status' | 'message'>>;
  /** Who is typing, each with the timer that stops showing it. */
  readonly typing: Map<string, ReturnType<typeof setTimeout>>;
  /** The epoch of the messages shown, and their ids: a message already shown is not again. */
  epoch: number | undefined;
  readonly ids: Set<number>;
  /** The last message seen, to join with after a reconnect; the first shown, to page back. */
  last: MessageRef | undefined;
  oldest: number | undefined;
  /** Whether older messages may still be kept, and whether a page of them is on its way. */
  more: boolean;
  loadingOlder: boolean;
  /** A page scrolled back to reached what the room keeps: a join's history cannot undo that. */
  reachedTop: boolean;
  /** The notice of a gap above the page on its way, put above it when it comes. */
  readonly pendingGap: HTMLLIElement[];
  /** When we last told this room we are typing (at most once a second, as the server allows). */
  typedAt: number;
}

const page = {
  status: find('#status'),
  roomList: find<HTMLUListElement>('#room-list'),
  joinForm: find<HTMLFormElement>('#join-form'),
  nameField: find('#name-field'),
  name: find<HTMLInputElement>('#name'),
  room: find<HTMLInputElement>('#room'),
  roomTitle: find('#room-title'),
  roomTopic: find('#room-topic'),
  leave: find<HTMLButtonElement>('#leave'),
  messages: find('#messages'),
  error: find('#error'),
  sayForm: find<HTMLFormElement>('#say-form'),
  text: find<HTMLInputElement>('#text'),
  memberList: find<HTMLUListElement>('#member-list'),
  typing: find('#typing'),
  statusForm: find<HTMLFormElement>('#status-form'),
  awayNote: find<HTMLInputElement>('#away-note'),
  away: find<HTMLButtonElement>('#away'),
};

let client: ChatClient | undefined;
/** Our name, once the server has accepted it (with the first join); the name field hides. */
let user: string | undefined;
/** The name sent with a join not yet answered. */
let askedName: string | undefined;
/** Set while joining our rooms again after a reconnection. */
let rejoining = false;
/** The rooms joined again after a reconnection, whose answer is still to come. */
const reconnected = new Set<string>();
const rooms = new Map<string, Room>();
let current: Room | undefined;
/** How many reconnections have failed in a row, for the backoff. */
let failures = 0;
let errorTimer: ReturnType<typeof setTimeout> | undefined;
/** Our status, sent again after a reconnection: the server forgets it with the connection. */
let myStatus: Status = 'online';
let myNote = '';

/** How long "ada is typing..." shows without news of her typing. */
const TYPING_SHOWN_MS = 3000;
/** How many older messages one scroll to the top asks for. */
const PAGE = 50;

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
  // With the last message seen in each: the room sends exactly what we missed.
  for (const room of rooms.values()) {
    reconnected.add(room.name);
    opened.join(room.name, user!, room.last);
  }
  if (rejoining && myStatus === 'away') opened.setStatus('away', myNote);
  if (!rejoining) failures = 0;
  opened.listRooms();
  const poll = setInterval(() => opened.listRooms(), ROOM_LIST_EVERY_MS);
  const { code, reason } = await opened.closed;
  clearInterval(poll);
  client = undefined;
  // A page asked for on the old connection will not come: let the next scroll ask again.
  for (const room of rooms.values()) {
    room.loadingOlder = false;
    room.pendingGap.length = 0;
  }
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
      if (room === undefined) break;
      stopTyping(room, message.from);
      const item = messageItem(room, message);
      if (item !== undefined) append(room, item);
      break;
    }
    case 'history':
      history(message);
      break;
    case 'history_gap':
      historyGap(message);
      break;
    case 'status': {
      const room = rooms.get(message.roomId);
      if (room !== undefined) setStatusOf(room, message);
      break;
    }
    case 'typing': {
      const room = rooms.get(message.roomId);
      if (room !== undefined) startTyping(room, message.username);
      break;
    }
    case 'user_joined':
    case 'user_left':
      presence(message);
      break;
    case 'room_list':
      showRoomList(message.rooms);
      break;
    // Step 8: a room made with /create, and a room's new topic.
    case 'room_created':
      if (current !== undefined) addNotice(current, `You made ${message.roomId}.`);
      client?.listRooms();
      break;
    case 'topic': {
      const room = rooms.get(message.roomId);
      if (room === undefined) break;
      setTopic(room, message.description);
      addNotice(room, `${message.username} set the topic: ${message.description}`);
      client?.listRooms();
      break;
    }
    case 'user_list': {
      const room = rooms.get(message.roomId);
      if (room === undefined) break;
      room.statuses.clear();
      for (const member of message.presence) setStatusOf(room, member);
      setMembers(room, message.users);
      break;
    }
    case 'private':
      // Private lines belong to no room: they show in the room in view.
      if (current !== undefined) addPrivate(current, `${message.from} to you`, message.text);
      break;
    case 'error':
      // Our old connection may still hold our name, until the server finds it dead; try later.
      if (rejoining && message.code === 'INVALID_USERNAME') client?.close();
      // A page of history that will not come: stop asking.
      if (['INVALID_LIMIT', 'UNKNOWN_MESSAGE_ID', 'NO_HISTORY'].includes(message.code)) {
        for (const room of rooms.values()) room.loadingOlder = room.more = false;
      }
      showError(message.message);
      break;
  }
}
// #endregion handle

function joined({ roomId, users, description }: ServerMessageOf<'joined'>): void {
  failures = 0;
  rejoining = false;
  if (user === undefined) {
    user = askedName!;
    page.nameField.hidden = true;
    setStatus(`connected as ${user}`);
  }
  let room = rooms.get(roomId);
  if (room === undefined) {
    room = {
      name: roomId,
      topic: undefined,
      members: [],
      log: document.createElement('ol'),
      statuses: new Map(),
      typing: new Map(),
      epoch: undefined,
      ids: new Set(),
      last: undefined,
      oldest: undefined,
      more: false,
      loadingOlder: false,
      reachedTop: false,
      pendingGap: [],
      typedAt: 0,
    };
    rooms.set(roomId, room);
    addNotice(room, `You joined ${roomId}.`);
    show(room);
  } else if (reconnected.delete(roomId)) {
    addNotice(room, 'Connected again.');
  } else {
    // The connection never dropped: the room crashed, and the server put us back in it.
    addNotice(room, `${roomId} restarted; you are still in it.`);
  }
  setMembers(room, users);
  setTopic(room, description);
  // Who is away, and why: the joined message has the names only.
  client?.listUsers(roomId);
  client?.listRooms();
}

// #region history
/**
 * Messages of a room: a join's history (after `joined`: what was said before, or what we missed
 * while away), appended; or a page we asked for by scrolling up (`more` is there), prepended.
 */
function history({ roomId, messages, more }: ServerMessageOf<'history'>): void {
  const room = rooms.get(roomId);
  if (room === undefined) return;
  const items = messages.flatMap((message) => messageItem(room, message) ?? []);
  if (more === undefined) {
    for (const item of items) append(room, item);
    if (!room.reachedTop) room.more = (room.oldest ?? 1) > 1;
    return;
  }
  // Keep the messages in view where they were: the page grows above them.
  const box = page.messages;
  const height = box.scrollHeight;
  room.log.prepend(...room.pendingGap.splice(0), ...items);
  if (room === current) box.scrollTop += box.scrollHeight - height;
  room.more = more;
  room.reachedTop = !more;
  room.loadingOlder = false;
}

/** Some messages are no longer kept; `missed` null: the room's numbering started again. */
function historyGap({ roomId, missed }: ServerMessageOf<'history_gap'>): void {
  const room = rooms.get(roomId);
  if (room === undefined) return;
  if (missed === null) {
    forgetMessages(room);
    addNotice(room, "The room's history started again: earlier messages are gone.");
    return;
  }
  const notice = element('li', `${missed} messages are no longer kept.`, 'notice');
  // A gap above a page we asked for is the top of what the room keeps: it goes above the page.
  if (room.loadingOlder) room.pendingGap.push(notice);
  else append(room, notice);
}

/** Forgets the messages shown: they belong to a numbering the room no longer has. */
function forgetMessages(room: Room): void {
  for (const item of room.log.querySelectorAll('li[data-id]')) item.remove();
  room.ids.clear();
  room.epoch = room.last = room.oldest = undefined;
  room.more = room.loadingOlder = room.reachedTop = false;
  room.pendingGap.length = 0;
}

/** When the view reaches the top, ask for the messages before the first one shown. */
page.messages.addEventListener('scroll', () => {
  const room = current;
  if (room === undefined || client === undefined || page.messages.scrollTop > 4) return;
  if (!room.more || room.loadingOlder || room.oldest === undefined) return;
  room.loadingOlder = true;
  client.getHistory(room.name, { limit: PAGE, before: room.oldest });
});
// #endregion history

// #region presence
function setStatusOf(
  room: Room,
  { username, status, message }: Omit<Presence, 'since' | 'transports'>,
) {
  if (status === 'online') room.statuses.delete(username);
  else room.statuses.set(username, { status, ...(message === undefined ? {} : { message }) });
  if (room === current) showMembers();
}

function startTyping(room: Room, username: string): void {
  clearTimeout(room.typing.get(username));
  room.typing.set(
    username,
    setTimeout(() => stopTyping(room, username), TYPING_SHOWN_MS),
  );
  if (room === current) showTyping();
}

function stopTyping(room: Room, username: string): void {
  if (!room.typing.has(username)) return;
  clearTimeout(room.typing.get(username));
  room.typing.delete(username);
  if (room === current) showTyping();
}

function showTyping(): void {
  const names = current === undefined ? [] : [...current.typing.keys()];
  page.typing.textContent =
    names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
}
// #endregion presence

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
  if (!joining) {
    room.statuses.delete(message.username);
    stopTyping(room, message.username);
  }
  const others = room.members.filter((member) => member !== message.username);
  setMembers(room, joining ? [...others, message.username] : others);
  addNotice(room, `${message.username} ${joining ? 'joined' : 'left'}.`);
  client?.listRooms();
}

// #region render
/**
 * A message's item, or undefined if it is shown already (the same id in the same epoch). A
 * message of another epoch means the room's numbering started again: what is shown goes.
 */
function messageItem(room: Room, message: HistoryMessage): HTMLLIElement | undefined {
  const { epoch, id } = message;
  if (room.epoch !== epoch) {
    if (room.epoch !== undefined) forgetMessages(room);
    room.epoch = epoch;
  }
  if (room.ids.has(id)) return undefined;
  room.ids.add(id);
  if (room.last === undefined || id > room.last.id) room.last = { epoch, id };
  if (room.oldest === undefined || id < room.oldest) room.oldest = id;
  const time = element('time', formatTime(message.timestamp));
  time.dateTime = new Date(message.timestamp).toISOString();
  const item = element('li');
  item.className = message.from === user ? 'mine' : '';
  item.dataset.id = String(id);
  item.append(time, element('span', message.from, 'from'), element('span', message.text, 'text'));
  return item;
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
  const room = current;
  const names = room === undefined ? [] : [...room.members].sort();
  const items = names.map((name) => {
    const item = element('li', name);
    const status = room!.statuses.get(name);
    if (status !== undefined) {
      item.classList.add('away');
      const note = status.message === undefined ? 'away' : `away: ${status.message}`;
      item.append(element('span', note, 'note'));
    }
    return item;
  });
  page.memberList.replaceChildren(...items);
}

/** Makes `room` the one shown (or none). */
function show(room: Room | undefined): void {
  current = room;
  page.roomTitle.textContent = room?.name ?? 'Join a room to start';
  page.roomTopic.textContent = room?.topic ?? '';
  page.leave.hidden = room === undefined;
  page.messages.replaceChildren(...(room === undefined ? [] : [room.log]));
  page.messages.scrollTop = page.messages.scrollHeight;
  showMembers();
  showTyping();
  showInput();
  markRooms();
}

function showInput(): void {
  const usable = current !== undefined && client !== undefined;
  page.text.disabled = !usable;
  page.sayForm.querySelector('button')!.disabled = !usable;
  page.away.disabled = client === undefined || user === undefined;
}

/** What a room is about, in its header when it is the one in view. */
function setTopic(room: Room, topic: string | undefined): void {
  room.topic = topic;
  if (current === room) page.roomTopic.textContent = topic ?? '';
}

function showRoomList(list: ServerMessageOf<'room_list'>['rooms']): void {
  const items = list.map(({ id, userCount, description }) => {
    const button = element('button');
    button.type = 'button';
    button.append(element('span', id), element('span', String(userCount), 'count'));
    // Rooms with nobody in them are listed too (step 8): the description says what they are.
    if (description !== undefined) button.title = description;
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
  if (catalogCommand(text)) {
    page.text.value = '';
    return;
  }
  // `/msg <user> <text>`, as on telnet: a private line to one user, web or telnet.
  const direct = /^\/msg\s+(\S+)\s+(.+)$/s.exec(text);
  if (direct === null) {
    client.say(current.name, text);
    current.typedAt = 0;
  } else {
    client.privateMessage(direct[1]!, direct[2]!);
    addPrivate(current, `you to ${direct[1]}`, direct[2]!);
  }
  page.text.value = '';
});

/** `/topic <text>` and `/create <room> [description]`, as on telnet (step 8); true if it was one. */
function catalogCommand(text: string): boolean {
  const topic = /^\/topic\s+(.+)$/s.exec(text);
  if (topic !== null && current !== undefined) client?.setTopic(current.name, topic[1]!);
  const create = /^\/create\s+(\S+)(?:\s+(.+))?$/s.exec(text);
  if (create !== null) client?.createRoom(create[1]!, create[2]);
  return topic !== null || create !== null;
}

/** Keystrokes tell the room we are typing, at most once a second (the server drops more). */
page.text.addEventListener('input', () => {
  const now = Date.now();
  if (client === undefined || current === undefined || now - current.typedAt < 1000) return;
  current.typedAt = now;
  client.typing(current.name);
});

/** Away (with the note, if any) or back: every room we are in is told. */
page.statusForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (client === undefined) return;
  myStatus = myStatus === 'away' ? 'online' : 'away';
  myNote = page.awayNote.value.trim();
  if (myStatus === 'away' && myNote !== '') client.setStatus('away', myNote);
  else client.setStatus(myStatus);
  page.away.textContent = myStatus === 'away' ? "I'm back" : 'Set away';
  page.awayNote.disabled = myStatus === 'away';
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
