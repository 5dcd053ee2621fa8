let ctx: AudioContext | null = null

/** A short two-tone chime for a new or escalated critical alert, made here: no sound file to load. */
export function playCriticalTone(): void {
  try {
    ctx ??= new AudioContext()
    const start = ctx.currentTime
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.frequency.value = freq
      gain.gain.setValueAtTime(0.15, start + i * 0.25)
      gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.25 + 0.22)
      osc.connect(gain).connect(ctx.destination)
      osc.start(start + i * 0.25)
      osc.stop(start + i * 0.25 + 0.24)
    }
  } catch {
    // No audio device or not allowed yet: the highlight still shows.
  }
}
