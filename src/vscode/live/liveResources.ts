import * as vscode from 'vscode';
import { ResourceStore } from '../../core/live/resourceStore';
import type { ImageSummary, NetworkSummary, VolumeSummary } from '../../core/runtime/types';
import type { RuntimeSession } from '../runtimeSession';
import type { LiveContainers } from './liveContainers';

/**
 * The engine's images, volumes and networks for their views, each held only while its view is
 * visible; they ride on the live containers' one event stream and follow runtime switches.
 */
export class LiveResources implements vscode.Disposable {
  readonly images: ResourceStore<ImageSummary>;
  readonly volumes: ResourceStore<VolumeSummary>;
  readonly networks: ResourceStore<NetworkSummary>;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly session: RuntimeSession,
    live: LiveContainers,
  ) {
    this.images = new ResourceStore(live.store, 'image', (rt) => rt.listImages());
    this.volumes = new ResourceStore(live.store, 'volume', (rt) => rt.listVolumes());
    this.networks = new ResourceStore(live.store, 'network', (rt) => rt.listNetworks());
    this.subs.push(session.onDidChange(() => this.follow()));
    this.follow();
  }

  private follow(): void {
    const rt = this.session.state === 'ready' ? this.session.runtime : undefined;
    for (const s of [this.images, this.volumes, this.networks]) s.setRuntime(rt);
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    for (const s of [this.images, this.volumes, this.networks]) s.dispose();
  }
}
