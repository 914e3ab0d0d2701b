/**
 * Modal dialog keyboard behaviour: focus moves into the dialog when it opens (to an `autoFocus`
 * control, else its first control), Tab and Shift+Tab stay inside it (focus that reaches the page
 * behind comes back), Escape closes it, and focus goes back to what had it before (the button that
 * opened it) when it closes. The dialog element needs `tabIndex={-1}`: it holds the focus when a
 * click lands on its text or the focused control is disabled.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

export function useDialogFocus<T extends HTMLElement>(onClose: () => void): { ref: React.RefObject<T | null>; onKeyDown: (e: React.KeyboardEvent) => void } {
  const ref = useRef<T | null>(null);
  // Read during the first render, before autoFocus moves focus into the dialog.
  const [opener] = useState(() => document.activeElement);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!el.contains(document.activeElement)) el.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    // Focus that reaches the page behind (Shift+Tab after a click on the backdrop, say) comes back;
    // a modal dialog opened over this one keeps it.
    const keepIn = (e: FocusEvent): void => {
      const target = e.target;
      if (!(target instanceof Element) || el.contains(target) || target.closest('[aria-modal="true"]')) return;
      el.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    };
    // A control disabled while it has focus (a button that starts something) drops the focus to the
    // page, where Escape and Tab no longer reach the dialog: the dialog (tabIndex -1) takes it.
    let check: number | undefined;
    const regain = (): void => {
      window.clearTimeout(check);
      check = window.setTimeout(() => {
        if (el.isConnected && (document.activeElement === null || document.activeElement === document.body)) el.focus();
      });
    };
    document.addEventListener('focusin', keepIn);
    el.addEventListener('focusout', regain);
    return () => {
      // Before focus goes back, or it would be pulled in again.
      document.removeEventListener('focusin', keepIn);
      el.removeEventListener('focusout', regain);
      window.clearTimeout(check);
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, [opener]);

  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = Array.from(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []).filter((x) => x.offsetParent !== null || x === document.activeElement);
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    },
    [onClose],
  );

  return { ref, onKeyDown };
}
