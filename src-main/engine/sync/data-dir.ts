/**
 * Where the engine keeps what belongs to this person on this machine rather than to a base: the
 * sign-ins to sync servers. Electron passes its userData folder; browser mode and the CLI use the
 * platform's usual place (`BASEPLATE_DATA_DIR` overrides it).
 */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.BASEPLATE_DATA_DIR) return path.resolve(env.BASEPLATE_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Baseplate');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Baseplate');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'baseplate');
}
