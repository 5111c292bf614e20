/** Anything wrong with a checkpoint file: the message starts with the file's name. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}
