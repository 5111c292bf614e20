import { useEffect, useRef, useState } from 'react';
import type { RGBAImage } from '../../image/geometry';
import { CameraError, FrameLoop, VideoFrames, openCamera, stopCamera, type LoopStats } from '../camera';

export interface CameraProps {
  /**
   * Shows one frame as the current photo and analyses it; resolves when its result is in the page.
   * Frames come back to back, never two at once, so pausing leaves the last one as a normal photo.
   */
  analyse(frame: RGBAImage): Promise<void>;
}

type Mode = 'off' | 'starting' | 'live' | 'paused';

/** The camera button: live analysis of webcam frames, with frames per second and latency; pause freezes, stop releases. */
export function Camera({ analyse }: CameraProps) {
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const loop = useRef<FrameLoop<void> | null>(null);
  const analyseRef = useRef(analyse);
  analyseRef.current = analyse;
  const [mode, setMode] = useState<Mode>('off');
  const [stats, setStats] = useState<LoopStats | null>(null);
  const [error, setError] = useState<string | null>(null);

  const release = async () => {
    await loop.current?.stop();
    loop.current = null;
    if (stream.current) stopCamera(stream.current);
    stream.current = null;
    if (video.current) video.current.srcObject = null;
  };

  useEffect(() => () => void release(), []);

  const run = () => {
    const v = video.current!;
    loop.current = new FrameLoop(new VideoFrames(v), {
      analyse: (frame) => analyseRef.current(frame),
      onResult: (_r, _f, s) => setStats(s),
      onError: (message) => {
        setError(`Live analysis stopped: ${message}`);
        setMode('paused');
      },
    });
    loop.current.start();
    setMode('live');
  };

  const start = async () => {
    setError(null);
    setMode('starting');
    try {
      stream.current = await openCamera();
      const v = video.current!;
      v.srcObject = stream.current;
      await v.play();
      run();
    } catch (e) {
      await release();
      setError(e instanceof CameraError ? e.message : `The camera could not be started: ${(e as Error).message}`);
      setMode('off');
    }
  };

  const pause = async () => {
    await loop.current?.stop();
    setMode('paused');
  };

  const stop = async () => {
    await release();
    setStats(null);
    setMode('off');
  };

  return (
    <section className="camera" aria-label="Camera">
      {mode === 'off' || mode === 'starting' ? (
        <button type="button" data-testid="camera-start" disabled={mode === 'starting'} onClick={() => void start()}>
          Camera
        </button>
      ) : (
        <>
          {mode === 'live' ? (
            <button type="button" data-testid="camera-pause" onClick={() => void pause()}>
              Pause
            </button>
          ) : (
            <button type="button" data-testid="camera-resume" onClick={run}>
              Resume
            </button>
          )}
          <button type="button" data-testid="camera-stop" onClick={() => void stop()}>
            Stop camera
          </button>
        </>
      )}
      {stats && mode !== 'off' && (
        <output data-testid="camera-stats">
          {stats.fps.toFixed(1)} frames/s · {Math.round(stats.latencyMs)} ms a frame · {stats.frames} frames
        </output>
      )}
      {error && (
        <p role="alert" data-testid="camera-error">
          {error}
        </p>
      )}
      {/* The video is only a frame source; each analysed frame is shown by the page's viewer. */}
      <video ref={video} muted playsInline style={{ position: 'absolute', width: 1, height: 1, opacity: 0, pointerEvents: 'none' }} />
    </section>
  );
}
