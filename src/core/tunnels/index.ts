// `code tunnel` inside a container: start it detached, read its state back (after a reload, from
// another process), follow its output, stop it. Plain Node; everything runs through
// ContainerRuntime.exec with fixed scripts (./scripts.ts).
export { tunnelName, TUNNEL_NAME_MAX, FALLBACK_TUNNEL_NAME } from './name';
export { parseTunnelLine, type TunnelEvent } from './parse';
export { hasCodeCli, startTunnel, tunnelStatus, stopTunnel, type TunnelStatus } from './control';
export { followTunnel, type FollowOptions } from './follow';
export { cliDownloadUrl, noCodeHint } from './hint';
export { STATE_DIR as TUNNEL_STATE_DIR } from './scripts';
