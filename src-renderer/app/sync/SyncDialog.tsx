/**
 * The frame of team sync's form dialogs (sign in, join, publish, download): a modal form with a
 * title, the dialog's own fields, its error in words, then Cancel and the submit button. Enter
 * submits unless busy or `submitDisabled`; Escape and Cancel call `onCancel`; focus moves in, stays
 * in and goes back as `useDialogFocus` says.
 */
import { useId } from 'react';
import { ErrorLine } from '../Messages';
import { useDialogFocus } from './use-dialog-focus';

interface Props {
  title: React.ReactNode;
  busy: boolean;
  error: string | null;
  submitLabel: string;
  /** Not yet submittable for another reason than being busy (nothing to submit to yet). */
  submitDisabled?: boolean;
  onSubmit(): void;
  onCancel(): void;
  children: React.ReactNode;
}

export function SyncDialog({ title, busy, error, submitLabel, submitDisabled = false, onSubmit, onCancel, children }: Props): React.JSX.Element {
  const titleId = useId();
  const { ref, onKeyDown } = useDialogFocus<HTMLFormElement>(onCancel);
  return (
    <div className="dialog-backdrop" role="presentation">
      <form
        ref={ref}
        className="dialog sync-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        noValidate
        onKeyDown={onKeyDown}
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && !submitDisabled) onSubmit();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
        <ErrorLine message={error} />
        <div className="buttons end">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          {/* Busy is aria-disabled, not disabled: a disabled button drops the focus out of the dialog (and Escape with it). */}
          <button type="submit" className="primary" disabled={submitDisabled} aria-disabled={busy || undefined}>
            {submitLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
