import Taro from '@tarojs/taro';

/**
 * H5 only: hands a Blob to the browser as a file download through a temporary link.
 * The object URL is revoked a minute later, not at once: the browser fetches it
 * asynchronously, and on a busy machine a 1 s revoke sometimes came first, so the
 * download silently never started (seen once in CI's residents e2e).
 */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Saves a JSON document for the resident: a file download on the web; in the
 * mini-program a file in the user data folder, opened so it can be forwarded.
 */
export async function saveJsonFile(name: string, data: unknown): Promise<void> {
  const text = JSON.stringify(data, null, 2);
  if (process.env.TARO_ENV === 'h5') {
    saveBlob(name, new Blob([text], { type: 'application/json' }));
    return;
  }
  const path = `${(Taro.env as { USER_DATA_PATH: string }).USER_DATA_PATH}/${name}`;
  Taro.getFileSystemManager().writeFileSync(path, text, 'utf8');
  await Taro.openDocument({ filePath: path, fileType: 'json' as never, showMenu: true }).catch(() => {});
}
