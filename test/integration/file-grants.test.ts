// Writing outside the workspace only into a folder the user chose (issue 14, "Access", 9): an
// export lands only in a folder files.grant was called for (the picker's "Choose this folder"),
// and the workspace and hidden folders are never granted. Checked through browser mode's
// WebSocket, as an attacker holding the token would try it; Electron's IPC uses the same router.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { startServer, type RunningServer } from '../../main/app/serve.js';
import { connectWebSocketApi, type WebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { failure, ok } from '../fixtures/results.js';

let root: string;
let workspace: string;
let heatlab: Heatlab;
let server: RunningServer;
let api: WebSocketApi;
const bytes = new Uint8Array([1, 2, 3]);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heatlab-file-grants-'));
  workspace = join(root, 'workspace');
  mkdirSync(join(root, 'renderer'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'browser' });
  server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir: join(root, 'renderer') });
  api = await connectWebSocketApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, WebSocket as unknown as WebSocketConstructor);
});

afterAll(async () => {
  api.close();
  await server.close();
  await heatlab.close();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh folder under the test's root; `parts` may name hidden folders on the way. */
function folder(...parts: string[]): string {
  const path = join(root, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

const notChosen = (path: string) => `Heatlab writes only into a folder chosen with “Choose this folder”, and ${path} was not chosen.`;

describe('files.save', () => {
  it('refuses a folder that was never granted, in one sentence, and writes nothing', async () => {
    const out = folder('never-granted');
    expect(failure(await api['files.save']({ folder: out, name: 'grid.png', data: bytes }))).toBe(notChosen(out));
    expect(readdirSync(out)).toEqual([]);
  });

  it('writes into a granted folder, numbering a second file of the same name', async () => {
    const out = folder('exports');
    expect(ok(await api['files.grant']({ path: out }))).toEqual({ folder: out });
    expect(ok(await api['files.save']({ folder: out, name: 'grid.png', data: bytes }))).toEqual({ path: join(out, 'grid.png') });
    expect(ok(await api['files.save']({ folder: out, name: 'grid.png', data: bytes }))).toEqual({ path: join(out, 'grid (2).png') });
    expect(Array.from(readFileSync(join(out, 'grid.png')))).toEqual([1, 2, 3]);
  });

  it('refuses names that leave the granted folder, and a subfolder of a granted one', async () => {
    const out = folder('granted-parent');
    ok(await api['files.grant']({ path: out }));
    for (const name of ['../escape.png', '..', 'a/b.png', 'a\\b.png', '.bashrc']) {
      expect(failure(await api['files.save']({ folder: out, name, data: bytes })), name).toBe(`"${name}" is not a plain file name.`);
    }
    const sub = folder('granted-parent', 'sub');
    expect(failure(await api['files.save']({ folder: sub, name: 'x.png', data: bytes }))).toBe(notChosen(sub));
    expect(failure(await api['files.save']({ folder: join(out, '..'), name: 'x.png', data: bytes }))).toBe(notChosen(root));
    expect(readdirSync(out)).toEqual(['sub']);
    expect(readdirSync(sub)).toEqual([]);
    expect(existsSync(join(root, 'escape.png')) || existsSync(join(root, 'x.png'))).toBe(false);
  });

  it('never grants the workspace or a folder inside it', async () => {
    const sentence = `Heatlab does not write into its own workspace (${workspace}); choose a folder outside it.`;
    const inside = readdirSync(join(workspace, 'data'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(workspace, 'data', d.name));
    for (const path of [workspace, join(workspace, 'data'), ...inside]) {
      expect(failure(await api['files.grant']({ path })), path).toBe(sentence);
      expect(failure(await api['files.save']({ folder: path, name: 'evil.npy', data: bytes })), path).toBe(sentence);
    }
    // Nor through a link that leads there.
    symlinkSync(join(workspace, 'data'), join(root, 'looks-harmless'));
    expect(failure(await api['files.grant']({ path: join(root, 'looks-harmless') }))).toBe(sentence);
    expect(readdirSync(join(workspace, 'data')).filter((n) => n.endsWith('.npy'))).toEqual([]);
  });

  it('never grants a hidden folder or one inside it, such as ~/.config/autostart', async () => {
    const autostart = folder('.config', 'autostart');
    expect(failure(await api['files.grant']({ path: autostart }))).toBe('Heatlab does not write into hidden folders such as .config; choose another folder.');
    expect(failure(await api['files.grant']({ path: join(root, '.config') }))).toBe('Heatlab does not write into hidden folders such as .config; choose another folder.');
    expect(failure(await api['files.save']({ folder: autostart, name: 'evil.desktop', data: bytes }))).toMatch(/^Heatlab does not write into hidden folders such as \.config; choose another folder\.$/);
    symlinkSync(autostart, join(root, 'autostart-link'));
    expect(failure(await api['files.grant']({ path: join(root, 'autostart-link') }))).toBe('Heatlab does not write into hidden folders such as .config; choose another folder.');
    expect(readdirSync(autostart)).toEqual([]);
  });

  it('refuses a relative path or a folder that is not there when granting', async () => {
    expect(failure(await api['files.grant']({ path: 'relative/folder' }))).toBe('"relative/folder" is not an absolute path.');
    expect(failure(await api['files.grant']({ path: join(root, 'missing') }))).toBe(`${join(root, 'missing')} is not a folder.`);
  });
});

describe('the other exports', () => {
  it('refuse an ONNX or mask export into a folder that was not granted, before looking at the model or set', async () => {
    const out = folder('other-exports');
    expect(failure(await api['models.export']({ id: 1, folder: out }))).toBe(notChosen(out));
    expect(failure(await api['annotations.export']({ id: 1, folder: out }))).toBe(notChosen(out));
    ok(await api['files.grant']({ path: out }));
    expect(failure(await api['models.export']({ id: 1, folder: out }))).toMatch(/model 1/i);
    expect(readdirSync(out)).toEqual([]);
  });
});
