// Saving a file from the page: one hidden link, clicked once. Shared by every export button.

/** Offers `blob` as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  // Firefox follows a click only on a link in the document.
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the browser may still be reading the blob.
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
