/**
 * The `contextValue`s of the tree rows: what the `viewItem` clauses of package.json's menus match.
 * No `vscode` import, so a plain-Node unit test can hold every value against every menu.
 */
import type { ContainerSummary, RuntimeCapabilities, RuntimeId } from '../../core/runtime/types';
import type { ServiceState } from '../../core/workspace/membership';
import type { TunnelInfo } from '../tunnels/tunnelManager';

/**
 * A container row: `container.<state>` then flags, in this order — `.canPause` (the runtime can
 * pause), `.canRestart`, `.web` (a published port to open), `.tunnel` (a tunnel runs in it).
 */
export function containerContextValue(
  c: Pick<ContainerSummary, 'state' | 'ports'>,
  caps: RuntimeCapabilities | undefined,
  tunnel?: TunnelInfo,
): string {
  const flags = ['container', c.state];
  if (caps?.pause) flags.push('canPause');
  if (caps?.restart) flags.push('canRestart');
  if (c.ports.some((p) => p.hostPort)) flags.push('web');
  if (tunnel) flags.push('tunnel');
  return flags.join('.');
}

/** `.compose` when the active runtime can run Compose (Docker and Podman). */
function composeFlags(runtimeId: RuntimeId | undefined): string {
  return runtimeId === 'docker' || runtimeId === 'podman' ? '.compose' : '';
}

/** A Compose project in the Services view: `composeProject`, `.compose` where Compose can run. */
export function composeProjectContextValue(runtimeId: RuntimeId | undefined): string {
  return `composeProject${composeFlags(runtimeId)}`;
}

/** A Compose service: `composeService.<state>`, `.compose` where Compose can run. */
export function composeServiceContextValue(state: ServiceState, runtimeId: RuntimeId | undefined): string {
  return `composeService.${state}${composeFlags(runtimeId)}`;
}

/** A dev container configuration: `devcontainer.<state>`. */
export function devcontainerContextValue(state: ServiceState): string {
  return `devcontainer.${state}`;
}

/** An image row: `image`, `.inUse` when a container uses it, `.dangling` when it has no tag. */
export function imageContextValue(o: { inUse: boolean; dangling: boolean }): string {
  return `image${o.inUse ? '.inUse' : ''}${o.dangling ? '.dangling' : ''}`;
}

/** An Images view group: `imageGroup` (a repository), `imageGroup.dangling`. */
export function imageGroupContextValue(dangling: boolean): string {
  return dangling ? 'imageGroup.dangling' : 'imageGroup';
}

/** A volume row: `volume`, `.inUse` when a container mounts it. */
export function volumeContextValue(inUse: boolean): string {
  return inUse ? 'volume.inUse' : 'volume';
}

/** A network row: `network.builtIn` (the engine's own), else `network`, `.inUse` with containers attached. */
export function networkContextValue(o: { builtIn: boolean; inUse: boolean }): string {
  return o.builtIn ? 'network.builtIn' : o.inUse ? 'network.inUse' : 'network';
}
