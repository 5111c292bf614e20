import { useRef, type ReactNode } from 'react';

export interface FilePickerProps {
  /** The button's text: the file input itself stays hidden. */
  children: ReactNode;
  accept: string;
  /** The hidden input's test id (tests set files on it directly). */
  inputTestId: string;
  buttonTestId?: string;
  disabled?: boolean;
  onFile(file: File): void;
}

/** A button that opens the file chooser; the chosen file goes to onFile, and the same file can be chosen again. */
export function FilePicker({ children, accept, inputTestId, buttonTestId, disabled, onFile }: FilePickerProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()} disabled={disabled} data-testid={buttonTestId}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        data-testid={inputTestId}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onFile(f);
          e.target.value = '';
        }}
      />
    </>
  );
}
