/**
 * The engine's networks with the containers attached to each, for the Networks view and `cws
 * networks`. The engine's own networks (Docker's bridge, host and none; Podman's podman; Apple's
 * default) are marked built in: they are never removed.
 */
import type { ContainerSummary, NetworkSummary, RuntimeId } from '../runtime/types';

export interface NetworkRow {
  network: NetworkSummary;
  attached: ContainerSummary[];
  builtIn: boolean;
}

const BUILT_IN: Record<RuntimeId, readonly string[]> = {
  docker: ['bridge', 'host', 'none'],
  podman: ['podman', 'host', 'none'],
  apple: ['default'],
};

export function isBuiltInNetwork(runtime: RuntimeId, name: string): boolean {
  return BUILT_IN[runtime].includes(name);
}

/** The containers (running or not) attached to the network. */
export function containersOnNetwork(name: string, containers: readonly ContainerSummary[]): ContainerSummary[] {
  return containers.filter((c) => (c.networkNames ?? []).includes(name));
}

/** Networks, the built-in ones first, then by name. */
export function networkInventory(
  runtime: RuntimeId,
  networks: readonly NetworkSummary[],
  containers: readonly ContainerSummary[],
): NetworkRow[] {
  return networks
    .map((network) => ({
      network,
      attached: containersOnNetwork(network.name, containers),
      builtIn: isBuiltInNetwork(runtime, network.name),
    }))
    .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.network.name.localeCompare(b.network.name));
}
