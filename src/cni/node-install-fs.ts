/**
 * The real file system behind `InstallFs`, for `netguard cni install|uninstall`. Written files are
 * flushed (fsync) before `installCni` renames them into place, so a crash leaves the old file or the
 * complete new one.
 */
import { chmod, copyFile, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import type { InstallFs } from "./install.js";

/** `InstallFs` backed by node:fs. */
export const nodeInstallFs: InstallFs = {
  readFile: (path) => readFile(path, "utf8"),
  async writeFile(path, text, mode) {
    const file = await open(path, "w", mode);
    try {
      await file.writeFile(text, "utf8");
      await file.chmod(mode); // `open` applies the umask, and not at all to an existing file
      await file.sync();
    } finally {
      await file.close();
    }
  },
  async copyFile(from, to) {
    await copyFile(from, to);
    const file = await open(to, "r+");
    try {
      await file.sync();
    } finally {
      await file.close();
    }
  },
  chmod: (path, mode) => chmod(path, mode),
  rename: (from, to) => rename(from, to),
  readdir: (path) => readdir(path),
  async exists(path) {
    try {
      await stat(path);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return false;
      throw e;
    }
  },
  unlink: (path) => unlink(path),
};
