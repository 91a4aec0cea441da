/**
 * Runs in every test file: whatever a test leaves behind (a lab or a namespace whose test timed out
 * before its `finally` ran), the file's afterAll removes.
 */
import { afterAll } from "vitest";
import { destroyTestLabs } from "./support/lab.js";
import { deleteTestNetns } from "./support/netns.js";

afterAll(async () => {
  await destroyTestLabs();
  await deleteTestNetns();
});
