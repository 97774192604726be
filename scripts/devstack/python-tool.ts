// Python programs from PyPI, installed once into a virtualenv of their own
// under ~/.cache/helpdesk/<name>-<version>/ (the machine reaches PyPI), like
// the Go tools beside this file.
import { execFile } from 'node:child_process';
import { access, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MissingToolError } from './temporal-cli';

const run = promisify(execFile);

export interface PythonTool {
  name: string;
  version: string;
  /** The program in the virtualenv's bin/ to run. */
  command: string;
}

/** The program's path, installed on first use. Its script is written last by pip, so its presence means a finished install. */
export async function ensurePythonTool(tool: PythonTool, onProgress: (line: string) => void = () => {}): Promise<string> {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const dir = path.join(base, 'helpdesk', `${tool.name}-${tool.version}`);
  const program = path.join(dir, 'bin', tool.command);
  if (await access(program).then(() => true, () => false)) return program;
  onProgress(`installing ${tool.name} ${tool.version} from PyPI (first run only)...`);
  try {
    await run('python3', ['-m', 'venv', dir]).catch((error: unknown) => {
      throw new MissingToolError(`${tool.name} needs Python 3 with venv (python3 -m venv): ${(error as Error).message.split('\n')[0]}`);
    });
    await run(path.join(dir, 'bin', 'pip'), ['install', '--quiet', `${tool.name}==${tool.version}`], { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return program;
}
