// The sample photos the page offers (public/samples; licences and ground truth beside them).
export const SAMPLES = [
  { file: 'chelsea.png', title: 'Chelsea the cat' },
  { file: 'coffee.jpg', title: 'Coffee cup' },
  { file: 'grace_hopper.jpg', title: 'Grace Hopper' },
] as const;

export const SAMPLE_FILES: readonly string[] = SAMPLES.map((s) => s.file);
