// @ts-check
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "bench/**", "scripts/**", "*.js", "*.cjs"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Wire JSON from clients is untyped by nature; views narrow it explicitly.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      // Same reason as above: request bodies arrive as unknown JSON.
      "@typescript-eslint/no-unsafe-argument": "off",
      // Node stream and socket callbacks are fire-and-forget by design.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Template literals with numbers are common in paths and ids.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // Route handlers share one async signature even when a handler needs no await.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["**/*.test.ts"],
    rules: {
      // node:test's test() returns a promise the runner itself awaits.
      "@typescript-eslint/no-floating-promises": "off",
    },
  },
);
