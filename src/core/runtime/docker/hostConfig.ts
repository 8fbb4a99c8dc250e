/**
 * ContainerHostOptions → the Engine API's HostConfig fields (Docker and Podman's compat API take the
 * same). Pure; only what is set appears, so a plain container's HostConfig is as before.
 */
import type Docker from 'dockerode';
import { RuntimeError } from '../errors';
import type { ContainerHostOptions } from '../types';

/** `--gpus` as written → DeviceRequests: "all", a count, or "device=0,1" (optionally quoted). */
export function gpuRequests(gpus: string): Docker.DeviceRequest[] {
  const text = gpus.trim().replace(/^"(.*)"$/, '$1');
  const req: Docker.DeviceRequest = { Driver: '', Capabilities: [['gpu']] };
  for (const part of text.split(',').reduce<string[]>((acc, p) => {
    // "device=0,1" keeps its list: a bare id after a device= entry belongs to it.
    if (/^\d+$/.test(p) && acc.length && acc[acc.length - 1].startsWith('device=')) acc[acc.length - 1] += `,${p}`;
    else acc.push(p);
    return acc;
  }, [])) {
    if (part === 'all') req.Count = -1;
    else if (/^\d+$/.test(part)) req.Count = Number(part);
    else if (part.startsWith('device=')) req.DeviceIDs = part.slice('device='.length).split(',').filter(Boolean);
    else if (part.startsWith('count=')) req.Count = part === 'count=all' ? -1 : Number(part.slice('count='.length));
    else if (part.startsWith('driver=')) req.Driver = part.slice('driver='.length);
    else if (part.startsWith('capabilities=')) req.Capabilities = [part.slice('capabilities='.length).split(/[ ;]/)];
    else
      throw new RuntimeError(
        'invalidArgument',
        `--gpus "${gpus}" is not understood.`,
        'Write --gpus all, a count, or device=ID,ID.',
      );
  }
  if (req.Count === undefined && !req.DeviceIDs) req.Count = -1;
  if (req.Count !== undefined && !Number.isInteger(req.Count))
    throw new RuntimeError('invalidArgument', `--gpus "${gpus}" has no valid count.`, 'Write --gpus all or a number.');
  return [req];
}

export function hostConfigOf(h: ContainerHostOptions | undefined): Partial<Docker.HostConfig> {
  if (!h) return {};
  const out: Partial<Docker.HostConfig> = {};
  if (h.capAdd?.length) out.CapAdd = [...h.capAdd];
  if (h.capDrop?.length) out.CapDrop = [...h.capDrop];
  if (h.securityOpt?.length) out.SecurityOpt = [...h.securityOpt];
  if (h.privileged) out.Privileged = true;
  if (h.init) out.Init = true;
  if (h.extraHosts?.length) out.ExtraHosts = [...h.extraHosts];
  if (h.shmSize !== undefined) out.ShmSize = h.shmSize;
  if (h.memory !== undefined) out.Memory = h.memory;
  if (h.cpus !== undefined) out.NanoCpus = Math.round(h.cpus * 1e9);
  if (h.devices?.length)
    out.Devices = h.devices.map((d) => ({
      PathOnHost: d.pathOnHost,
      PathInContainer: d.pathInContainer,
      CgroupPermissions: d.cgroupPermissions,
    }));
  if (h.ulimits?.length) out.Ulimits = h.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }));
  if (h.tmpfs && Object.keys(h.tmpfs).length) out.Tmpfs = { ...h.tmpfs };
  if (h.network) out.NetworkMode = h.network;
  if (h.ipc) out.IpcMode = h.ipc;
  if (h.pid) out.PidMode = h.pid;
  if (h.userns) out.UsernsMode = h.userns;
  if (h.sysctls && Object.keys(h.sysctls).length) out.Sysctls = { ...h.sysctls };
  if (h.gpus) out.DeviceRequests = gpuRequests(h.gpus);
  return out;
}
