import { renderPage } from './layout.js';

export function errorPage(title: string, message: string): string {
  return renderPage(
    title,
    <>
      <h1>{title}</h1>
      <p role="alert">{message}</p>
      <p class="muted">If you followed a link from an application, tell its developers about this error.</p>
    </>,
  );
}
