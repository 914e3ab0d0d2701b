/** Modules Vite resolves for the renderer. */
declare module '*.css';
/** A file Vite emits as an asset; its URL. */
declare module '*?url' {
  const url: string;
  export default url;
}
