// The container store when the engine's list lags behind its events (dockerd sends `die` before
// its list says "exited"), over a scripted runtime: it reads the container again until the list
// agrees, gives up after a few tries, and leaves no timer once released.
import * as assert from 'node:assert/strict';
import { ContainerStore } from '../../src/core/live/containerStore';
import type {
  ContainerRuntime,
  ContainerState,
  ContainerSummary,
  RuntimeEvent,
  Subscription,
} from '../../src/core/runtime/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A runtime whose list answers with the given states, one per list call (the last repeats). */
function scripted(states: ContainerState[]) {
  let onEvent: ((e: RuntimeEvent) => void) | undefined;
  let lists = 0;
  const summary = (state: ContainerState): ContainerSummary => ({
    id: 'c1',
    name: 'web',
    names: ['web'],
    image: 'busybox',
    state,
    status: '',
    created: 0,
    labels: {},
    ports: [],
  });
  const rt = {
    id: 'docker',
    label: 'Docker',
    endpoint: 'test',
    capabilities: { pause: true, eventsPushed: true, restart: true, build: true, exitCodes: true },
    listContainers() {
      const state = states[Math.min(lists, states.length - 1)];
      lists++;
      return Promise.resolve([summary(state)]);
    },
    subscribeEvents(l: (e: RuntimeEvent) => void): Subscription {
      onEvent = l;
      return {
        close: () => {
          onEvent = undefined;
        },
        ended: new Promise(() => undefined),
      };
    },
  } as unknown as ContainerRuntime;
  return {
    rt,
    get lists() {
      return lists;
    },
    send(action: RuntimeEvent['action']) {
      onEvent?.({ type: 'container', action, id: 'c1', time: Date.now(), attributes: {} });
    },
  };
}

describe('container store: a list that lags behind an event', () => {
  it('reads the container again until the list says what the die event said', async () => {
    // full list: running; after die: running (lagging), running, then exited.
    const e = scripted(['running', 'running', 'running', 'exited']);
    const store = new ContainerStore();
    store.setRuntime(e.rt);
    const release = store.acquire();
    try {
      await store.whenSettled();
      e.send('kill');
      e.send('die');
      const t0 = Date.now();
      while (store.containers[0]?.state !== 'exited' && Date.now() - t0 < 2000) await sleep(10);
      assert.equal(store.containers[0]?.state, 'exited');
      assert.equal(e.lists, 4, 'the full list, the one for the events, two re-reads');
      await sleep(500);
      assert.equal(e.lists, 4, 'no more once the list agrees');
    } finally {
      release();
    }
  });

  it('gives up after a few tries (a restart policy brought it back), and a release stops the re-reads', async () => {
    const e = scripted(['running']);
    const store = new ContainerStore();
    store.setRuntime(e.rt);
    const release = store.acquire();
    await store.whenSettled();
    e.send('die');
    await sleep(3_500);
    assert.equal(e.lists, 1 + 1 + 6, "the full list, the event's, six re-reads");
    e.send('die');
    await sleep(120);
    release();
    const n = e.lists;
    await sleep(1_500);
    assert.equal(e.lists, n, 'nothing after the release');
    store.dispose();
  });
});
