// `eval --jobs N` must give the figures of one job: same images, same maps, same order.
import { describe, expect, it } from 'vitest';
import type { EvalReport } from './eval';
import { testDevSet } from './dev-set.testkit';
import { runCli } from './run-cli.testkit';

const DATA = testDevSet().dir;

function evalJson(jobs: number): EvalReport {
  const r = runCli('eval', '--data', DATA, '--limit', '12', '--model', 'resnet-50-imagenet', '--jobs', String(jobs), '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as EvalReport;
}

describe('eval --jobs', () => {
  it('gives the same report on 1 and 2 worker threads, apart from the timings', () => {
    const strip = ({ loadSeconds, wallSeconds, secondsPerImage, jobSecondsPerImage, jobs, ...rest }: EvalReport) => {
      expect([loadSeconds, wallSeconds, secondsPerImage, jobSecondsPerImage].every((v) => v > 0)).toBe(true);
      // The images' own times fit in the wall time of the jobs that ran them side by side.
      expect(jobSecondsPerImage).toBeLessThanOrEqual(jobs * secondsPerImage);
      return { jobs, rest };
    };
    const one = strip(evalJson(1));
    const two = strip(evalJson(2));
    expect([one.jobs, two.jobs]).toEqual([1, 2]);
    expect(two.rest).toEqual(one.rest);
    expect(one.rest.images).toBe(Math.min(12, testDevSet().images));
  }, 600_000);

  it('refuses a bad --jobs or --size in one line', () => {
    for (const [flag, value, message] of [
      ['--jobs', '0', '--jobs must be a number from 1'],
      ['--size', '300', 'input size 300 must be a multiple of 32'],
    ]) {
      const r = runCli('eval', '--data', DATA, flag, value);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  }, 60_000);
});
