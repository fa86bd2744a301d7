// @ts-nocheck — runs in Chromium, next to broadcast-channel's browser bundle
// (which defines BroadcastChannel2 and createLeaderElection on window).
'use strict';

/** High-resolution wall clock, comparable across the browser's processes. */
const now = () => performance.timeOrigin + performance.now();

const peer = { leaderAt: null, received: [] };
window.peer = peer;

// The package's elector: with Web Locks available it holds one lock per
// channel name, and the next tab waiting for it leads when it is released.
const elector = window.createLeaderElection(new window.BroadcastChannel2('axolop-peer-election'));
elector.awaitLeadership().then(() => {
  peer.leaderAt = now();
});

// Fan-out: one message from the sending tab to every other tab.
const fanout = new BroadcastChannel('axolop-peer-fanout');
fanout.onmessage = (message) => {
  peer.received.push({ id: message.data.id, sentAt: message.data.sentAt, at: now() });
};
peer.send = (id) => fanout.postMessage({ id, sentAt: now() });
