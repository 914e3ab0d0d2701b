/** The one way the app shows a problem (an alert) or a passing notice (a status), where it happened. */
export function ErrorLine({ message }: { message: string | null }): React.JSX.Element | null {
  return message ? (
    <p className="error" role="alert">
      {message}
    </p>
  ) : null;
}

export function NoticeLine({ message, className = '' }: { message: string | null; className?: string }): React.JSX.Element | null {
  return message ? (
    <p className={`notice ${className}`.trim()} role="status">
      {message}
    </p>
  ) : null;
}
