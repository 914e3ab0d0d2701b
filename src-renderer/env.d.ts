/** Modules Vite resolves for the renderer. */
declare module '*.css';
