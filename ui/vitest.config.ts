// Unit tests of pure UI logic (formatting, folding, sanitizing, the fake backend).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
