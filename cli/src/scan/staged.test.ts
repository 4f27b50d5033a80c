import { describe, expect, it } from 'vitest';
import { parseAddedLines } from './staged.js';

const DIFF = `diff --git a/src/app.ts b/src/app.ts
index 1111111..2222222 100644
--- a/src/app.ts
+++ b/src/app.ts
@@ -3,0 +4,2 @@ export function main() {
+const a = 1;
+++counter;
@@ -10 +12 @@ function other() {
-old line
+new line
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git "a/we\\"ird name.txt" "b/we\\"ird name.txt"
new file mode 100644
--- /dev/null
+++ "b/we\\"ird name.txt"
@@ -0,0 +1 @@
+hello
diff --git a/image.png b/image.png
new file mode 100644
Binary files /dev/null and b/image.png differ
`;

describe('parseAddedLines', () => {
  it('returns each added line with its number in the new file, and nothing for removed lines', () => {
    expect(parseAddedLines(DIFF)).toEqual([
      {
        file: 'src/app.ts',
        lines: [
          { line: 4, text: 'const a = 1;' },
          { line: 5, text: '++counter;' },
          { line: 12, text: 'new line' },
        ],
      },
      { file: 'we"ird name.txt', lines: [{ line: 1, text: 'hello' }] },
    ]);
  });

  it('returns nothing for an empty diff', () => {
    expect(parseAddedLines('')).toEqual([]);
  });
});
