// Markdown bundled as text (vite's ?raw import), for type-checks that do not load vite/client's types (the tests').
declare module '*.md?raw' {
  const text: string;
  export default text;
}
