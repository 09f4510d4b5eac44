import Taro from '@tarojs/taro';

/**
 * Saves a JSON document for the resident: a file download on the web; in the
 * mini-program a file in the user data folder, opened so it can be forwarded.
 */
export async function saveJsonFile(name: string, data: unknown): Promise<void> {
  const text = JSON.stringify(data, null, 2);
  if (process.env.TARO_ENV === 'h5') {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    return;
  }
  const path = `${(Taro.env as { USER_DATA_PATH: string }).USER_DATA_PATH}/${name}`;
  Taro.getFileSystemManager().writeFileSync(path, text, 'utf8');
  await Taro.openDocument({ filePath: path, fileType: 'json' as never, showMenu: true }).catch(() => {});
}
