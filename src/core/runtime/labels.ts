/** Labels the views and commands read to tie containers to projects and folders. */
export const LABELS = {
  composeProject: 'com.docker.compose.project',
  composeService: 'com.docker.compose.service',
  composeWorkingDir: 'com.docker.compose.project.working_dir',
  composeConfigFiles: 'com.docker.compose.project.config_files',
  composeNumber: 'com.docker.compose.container-number',
  /** "True" on `compose run` containers: not replicas of the service. */
  composeOneoff: 'com.docker.compose.oneoff',
  devcontainerLocalFolder: 'devcontainer.local_folder',
  devcontainerConfigFile: 'devcontainer.config_file',
  /** Our own: the workspace folder (absolute host path) a container was made for. */
  workspace: 'dev.containerworkspaces.workspace',
  /** Our own: where that folder is mounted inside the container (the shell's working directory). */
  workspaceTarget: 'dev.containerworkspaces.workspace.target',
  /** Our own: what the container was made from: devcontainer | dockerfile | compose | image. */
  workspaceSource: 'dev.containerworkspaces.workspace.source',
  /** Our own: a hash of the dev container config the container was made from (out of date when it differs). */
  configHash: 'dev.containerworkspaces.config.hash',
  /** Our own: the Features' postStart / postAttach commands (JSON), run again at later starts and attaches. */
  featureHooks: 'dev.containerworkspaces.features.hooks',
  /** Our own: what the container borrows from this machine and the folder it is served from (JSON). */
  forward: 'dev.containerworkspaces.forward',
  /** Our own: the repository a workspace container's volume was cloned from (its URL). */
  repo: 'dev.containerworkspaces.repo',
  /** Our own: the volume holding that clone (also on the clone's helper containers). */
  repoVolume: 'dev.containerworkspaces.repo.volume',
} as const;
